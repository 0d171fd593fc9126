// Static errors of ConditionExpression / FilterExpression. The expected messages are DynamoDB's,
// as recorded by dynalite's test/scan.js and Alternator's test_condition_expression.py and
// test_limits.py (both run against DynamoDB).

#include <string>

#include "expr/expressions.h"
#include "expr_test_util.h"

namespace tideline::expr {
namespace {

using testing::ConditionError;
using testing::V;

std::string FilterError(std::string_view expr, std::string_view values = "",
                        std::string_view names = "") {
  return ConditionError(expr, values, names, "FilterExpression");
}

std::string Syntax(std::string_view token, std::string_view near) {
  return V("Invalid FilterExpression: Syntax error; token: \"" + std::string(token) +
           "\", near: \"" + std::string(near) + "\"");
}

TEST(ConditionErrorsTest, SyntaxErrorsNameTheTokenAndItsNeighbours) {
  EXPECT_EQ(ConditionError("foo"),
            V("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"foo\""));
  EXPECT_EQ(ConditionError("a == b"),
            V("Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== b\""));
  EXPECT_EQ(FilterError("a ="), Syntax("<EOF>", "="));
  EXPECT_EQ(FilterError("a in b"), Syntax("b", "in b"));
  EXPECT_EQ(FilterError("a IN ()"), Syntax(")", "()"));
  EXPECT_EQ(FilterError("a in (b,c,)"), Syntax(")", ",)"));
  EXPECT_EQ(FilterError("b[:a] > a"), Syntax(":a", "[:a]"));
  EXPECT_EQ(FilterError("b[#_] > a"), Syntax("#_", "[#_]"));
  EXPECT_EQ(FilterError("attribute_exists(Pictures..RearView)"), Syntax(".", "..RearView"));
  EXPECT_EQ(FilterError("attribute_exists(Pictures-RearView)"), Syntax("-", "Pictures-RearView"));
  EXPECT_EQ(FilterError("a > 4"), Syntax("4", "> 4"));
  EXPECT_EQ(FilterError("a > between"), Syntax("between", "> between"));
  EXPECT_EQ(FilterError("\xC3\xBC > a"), Syntax("\xC3\xBC", "\xC3\xBC >"));
  EXPECT_EQ(FilterError("size(a).b > a"), Syntax(".", ").b"));
  EXPECT_EQ(FilterError("(size(a))[0] > a"), Syntax("[", ")[0"));
  EXPECT_EQ(FilterError("a.:a < b.:b"), Syntax(":a", ".:a <"));
  EXPECT_EQ(FilterError("c!=:c"), Syntax("!", "c!="));
  EXPECT_EQ(FilterError("things are not gonna be ok"), Syntax("are", "things are not"));
  EXPECT_EQ(FilterError("(a)between(b.(c.d))and(c)"), Syntax("(", ".(c"));
  EXPECT_EQ(FilterError("#$.b > a"), Syntax("#", "#$"));
  // A lone operand is not a condition, wherever it stands.
  EXPECT_EQ(FilterError("a"), Syntax("<EOF>", "a"));
  EXPECT_EQ(FilterError("(a) AND b = c"), Syntax("AND", ") AND b"));
  EXPECT_EQ(FilterError("   "), Syntax("<EOF>", ""));
}

TEST(ConditionErrorsTest, EmptyAndOversizedExpressions) {
  EXPECT_EQ(ConditionError(""), V("Invalid ConditionExpression: The expression can not be empty;"));
  std::string ok = "a" + std::string(4090, ' ') + "= :v";  // 4095 bytes
  EXPECT_EQ(ConditionError(ok, R"({":v":{"N":"1"}})"), "no error");
  std::string too_long = "a " + std::string(4091, ' ') + "= :v";  // 4097 bytes
  EXPECT_EQ(ConditionError(too_long, R"({":v":{"N":"1"}})"),
            V("Invalid ConditionExpression: Expression size has exceeded the maximum allowed "
              "size; expression size: 4097"));
  // The size is checked before the syntax (test_limit_expression_len_crash3).
  EXPECT_EQ(ConditionError(std::string(15000, '(')),
            V("Invalid ConditionExpression: Expression size has exceeded the maximum allowed "
              "size; expression size: 15000"));
}

TEST(ConditionErrorsTest, RedundantParenthesesComeFirst) {
  for (const char* e :
       {"a=a and a > ((views))", "(a)between(((b.c)).d)and(c)", "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a", "a=a OR ((a=a OR a=a)) OR a=a",
        "a=a AND ((a=a AND (a=a AND a=a)))", "((a = b))", "((attribute_exists(a)))"}) {
    EXPECT_EQ(FilterError(e),
              V("Invalid FilterExpression: The expression has redundant parentheses;"))
        << e;
  }
  // One level is fine at every place, including around a whole expression.
  EXPECT_EQ(FilterError("((c=:c) AND (p=:p))", R"({":c":{"N":"1"},":p":{"S":"x"}})"), "no error");
  EXPECT_EQ(FilterError("(a)between(b.c.d)and(c)"), "no error");
  EXPECT_EQ(FilterError("(#n).b = c", "", R"({"#n":"x"})"), "no error");
}

TEST(ConditionErrorsTest, UnknownAndMisusedFunctions) {
  EXPECT_EQ(FilterError("a=a and whatever((:things)) > a"),
            V("Invalid FilterExpression: Invalid function name; function: whatever"));
  EXPECT_EQ(FilterError("attRIbute_exIsts((views), #a)"),
            V("Invalid FilterExpression: Invalid function name; function: attRIbute_exIsts"));
  EXPECT_EQ(FilterError("if_not_exists(a, a) = b"),
            V("Invalid FilterExpression: The function is not allowed in a condition expression; "
              "function: if_not_exists"));
  const char* misuse =
      "Invalid FilterExpression: The function is not allowed to be used this way in an "
      "expression; function: ";
  EXPECT_EQ(FilterError("a=a and attribute_exists((views), (#a)) > b"),
            V(std::string(misuse) + "attribute_exists"));
  EXPECT_EQ(FilterError("attribute_not_exists(things) > b"),
            V(std::string(misuse) + "attribute_not_exists"));
  EXPECT_EQ(FilterError("begins_with(things, a) > b"), V(std::string(misuse) + "begins_with"));
  EXPECT_EQ(FilterError("contains(:things, c) > b"), V(std::string(misuse) + "contains"));
  EXPECT_EQ(FilterError("size(contains(a, b)) > a"), V(std::string(misuse) + "contains"));
  EXPECT_EQ(FilterError("size(things)"), V(std::string(misuse) + "size"));
  EXPECT_EQ(FilterError("(size(things))"), V(std::string(misuse) + "size"));
  EXPECT_EQ(FilterError("a between b and attribute_exists(things)"),
            V(std::string(misuse) + "attribute_exists"));
  EXPECT_EQ(FilterError("a in (b, attribute_exists(things))"),
            V(std::string(misuse) + "attribute_exists"));
  EXPECT_EQ(FilterError("NOT size(a)"), V(std::string(misuse) + "size"));
}

TEST(ConditionErrorsTest, ReservedWordsAsBareNames) {
  EXPECT_EQ(FilterError("attribute_exists(views, #a)"),
            V("Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: "
              "views"));
  EXPECT_EQ(FilterError(":a < abOrT"),
            V("Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: "
              "abOrT"));
  EXPECT_EQ(FilterError("a.status = b"),
            V("Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: "
              "status"));
  // Function names are not attribute names, and #names stand for anything.
  EXPECT_EQ(FilterError("size(#s) > #s", "", R"({"#s":"status"})"), "no error");
}

TEST(ConditionErrorsTest, UndefinedNamesAndValues) {
  const char* name =
      "Invalid FilterExpression: An expression attribute name used in the document "
      "path is not defined; attribute name: ";
  EXPECT_EQ(FilterError("attribute_exists(#Pictures.RearView, :a) and a=a"),
            V(std::string(name) + "#Pictures"));
  EXPECT_EQ(FilterError("begins_with(Pictures.#RearView)"), V(std::string(name) + "#RearView"));
  EXPECT_EQ(FilterError("(#P between :lo and :hi) and (#PC in (:cat1, :cat2))"),
            V(std::string(name) + "#P"));
  EXPECT_EQ(FilterError("#4g > a"), V(std::string(name) + "#4g"));
  EXPECT_EQ(FilterError("(a)between(b.c[45].#d)and(:a)"), V(std::string(name) + "#d"));
  const char* value =
      "Invalid FilterExpression: An expression attribute value used in expression "
      "is not defined; attribute value: ";
  EXPECT_EQ(FilterError("begins_with(:hello, #a, #b)"), V(std::string(value) + ":hello"));
  EXPECT_EQ(FilterError(":a < :b"), V(std::string(value) + ":a"));
  EXPECT_EQ(FilterError(":_ > a"), V(std::string(value) + ":_"));
}

TEST(ConditionErrorsTest, OperandCounts) {
  const char* msg =
      "Invalid FilterExpression: Incorrect number of operands for operator or "
      "function; operator or function: ";
  EXPECT_EQ(FilterError("attribute_exists(things, a) and a=a"),
            V(std::string(msg) + "attribute_exists, number of operands: 2"));
  EXPECT_EQ(FilterError("attribute_type(things)"),
            V(std::string(msg) + "attribute_type, number of operands: 1"));
  EXPECT_EQ(FilterError("begins_with(things, size(a), b)"),
            V(std::string(msg) + "begins_with, number of operands: 3"));
  EXPECT_EQ(FilterError("contains(things)"),
            V(std::string(msg) + "contains, number of operands: 1"));
  EXPECT_EQ(FilterError("size(things, a) > b"),
            V(std::string(msg) + "size, number of operands: 2"));
}

TEST(ConditionErrorsTest, OperandTypes) {
  const char* msg =
      "Invalid FilterExpression: Incorrect operand type for operator or function; "
      "operator or function: ";
  EXPECT_EQ(FilterError("attribute_type(a, :a)", R"({":a":{"N":"1"}})"),
            V(std::string(msg) + "attribute_type, operand type: N"));
  EXPECT_EQ(FilterError("attribute_type(a, :a)", R"({":a":{"L":[]}})"),
            V(std::string(msg) + "attribute_type, operand type: L"));
  EXPECT_EQ(FilterError("attribute_type(a, size(a)) and a=a and a=:a", R"({":a":{"N":"1"}})"),
            V(std::string(msg) + "attribute_type, operand type: N"));
  EXPECT_EQ(FilterError("attribute_type(a, b)"),
            V(std::string(msg) + "attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
  EXPECT_EQ(FilterError("begins_with(a, :a)", R"({":a":{"BOOL":true}})"),
            V(std::string(msg) + "begins_with, operand type: BOOL"));
  EXPECT_EQ(FilterError("begins_with(:a, a)", R"({":a":{"SS":["1"]}})"),
            V(std::string(msg) + "begins_with, operand type: SS"));
  EXPECT_EQ(FilterError("begins_with(a, size(a)) and a=:a", R"({":a":{"N":"1"}})"),
            V(std::string(msg) + "begins_with, operand type: N"));
  EXPECT_EQ(FilterError("size(size(a)) > :a", R"({":a":{"N":"1"}})"),
            V(std::string(msg) + "size, operand type: N"));
  EXPECT_EQ(FilterError("attribute_not_exists(size(:a))", R"({":a":{"N":"1"}})"),
            V(std::string(msg) + "size, operand type: N"));
  EXPECT_EQ(FilterError("size(:a) > a", R"({":a":{"NULL":true}})"),
            V(std::string(msg) + "size, operand type: NULL"));
  EXPECT_EQ(FilterError("a < :a", R"({":a":{"L":[{"N":"1"}]}})"),
            V(std::string(msg) + "<, operand type: L"));
  EXPECT_EQ(FilterError(":a >= a", R"({":a":{"BOOL":false}})"),
            V(std::string(msg) + ">=, operand type: BOOL"));
  // = and <> take any type.
  EXPECT_EQ(FilterError("a = :a", R"({":a":{"L":[]}})"), "no error");
  EXPECT_EQ(FilterError("attribute_type(a, :a)", R"({":a":{"S":"1"}})"),
            V("Invalid FilterExpression: Invalid attribute type name found; type: 1, valid "
              "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"));
  EXPECT_EQ(FilterError("attribute_type(a, :a)", R"({":a":{"S":"BOOL"}})"), "no error");
}

TEST(ConditionErrorsTest, DocumentPathRequired) {
  EXPECT_EQ(FilterError("attribute_exists(:a) and a=a", R"({":a":{"S":"1"}})"),
            V("Invalid FilterExpression: Operator or function requires a document path; "
              "operator or function: attribute_exists"));
  EXPECT_EQ(FilterError("attribute_not_exists(size(:a))", R"({":a":{"S":"1"}})"),
            V("Invalid FilterExpression: Operator or function requires a document path; "
              "operator or function: attribute_not_exists"));
}

TEST(ConditionErrorsTest, OperandsMustBeDistinct) {
  const char* msg =
      "Invalid FilterExpression: The first operand must be distinct from the "
      "remaining operands for this operator or function; operator: ";
  const char* names = R"({"#a":"a"})";
  EXPECT_EQ(FilterError("a = a AND #a = b AND :views > a", R"({":views":{"N":"1"}})", names),
            V(std::string(msg) + "=, first operand: [a]"));
  EXPECT_EQ(FilterError("#a <> a", "", names), V(std::string(msg) + "<>, first operand: [a]"));
  EXPECT_EQ(FilterError("((a=a) OR (a=a))", "", ""), V(std::string(msg) + "=, first operand: [a]"));
  EXPECT_EQ(FilterError("contains(ab.bc[1].a, ab.bc[1].#a)", "", names),
            V(std::string(msg) + "contains, first operand: [ab, bc, [1], a]"));
  EXPECT_EQ(FilterError("begins_with(ab.bc[1].a, ab.bc[1].#a)", "", names),
            V(std::string(msg) + "begins_with, first operand: [ab, bc, [1], a]"));
  // Two equal constants are fine.
  EXPECT_EQ(FilterError(":a > :a", R"({":a":{"N":"1"}})"), "no error");
}

TEST(ConditionErrorsTest, BetweenBounds) {
  EXPECT_EQ(FilterError("a between :b and :a", R"({":a":{"S":"a"},":b":{"N":"1"}})"),
            V("Invalid FilterExpression: The BETWEEN operator requires same data type for lower "
              "and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
              "AttributeValue: {S:a}"));
  EXPECT_EQ(FilterError("a between :b and :a", R"({":a":{"S":"a"},":b":{"S":"b"}})"),
            V("Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater "
              "than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper "
              "bound operand: AttributeValue: {S:a}"));
  EXPECT_EQ(FilterError("a between :b and :a", R"({":a":{"N":"10"},":b":{"N":"9"}})"), "no error");
  EXPECT_EQ(FilterError("a between :b and :a", R"({":a":{"L":[]},":b":{"L":[]}})"),
            V("Invalid FilterExpression: Incorrect operand type for operator or function; "
              "operator or function: BETWEEN, operand type: L"));
  // Bounds from the item are only checked at evaluation time.
  EXPECT_EQ(FilterError("a between two and :b", R"({":b":{"S":"b"}})"), "no error");
}

TEST(ConditionErrorsTest, ErrorPriorities) {
  // Redundant parentheses > unknown function > misused function > reserved word > the first
  // condition's own error (undefined name/value > operand count > distinct > type).
  EXPECT_EQ(FilterError("whatever(a) = b AND ((c = d))"),
            V("Invalid FilterExpression: The expression has redundant parentheses;"));
  EXPECT_EQ(FilterError("size(things) AND whatever(a) = b"),
            V("Invalid FilterExpression: Invalid function name; function: whatever"));
  EXPECT_EQ(FilterError("a = :x AND size(views)"),
            V("Invalid FilterExpression: The function is not allowed to be used this way in an "
              "expression; function: size"));
  EXPECT_EQ(FilterError("a = a AND views = b"),
            V("Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: "
              "views"));
  // The first condition with an error wins, even over a higher category of a later one.
  EXPECT_EQ(FilterError("a = a AND b = :undefined"),
            V("Invalid FilterExpression: The first operand must be distinct from the remaining "
              "operands for this operator or function; operator: =, first operand: [a]"));
}

TEST(ConditionErrorsTest, InOperandLimit) {
  std::string values = "{";
  std::string list;
  for (int i = 0; i < 100; ++i) {
    if (i) {
      values += ",";
      list += ",";
    }
    values += "\":v" + std::to_string(i) + "\":{\"N\":\"" + std::to_string(i) + "\"}";
    list += ":v" + std::to_string(i);
  }
  values += "}";
  // 99 values plus the left operand: accepted (test_update_condition_in).
  std::string first99 = list.substr(0, list.rfind(','));
  testing::Params p(values);
  EXPECT_NO_THROW(ParseCondition("a IN (" + first99 + ")", p.r(), "ConditionExpression"));
  EXPECT_EQ(ConditionError("a IN (" + list + ")", values),
            V("Invalid ConditionExpression: Too many operands for the operator or function; "
              "operator or function: IN, number of operands: 101"));
}

TEST(ConditionErrorsTest, OperatorLimit) {
  auto nested = [](int depth) {
    std::string c = "a<b ";
    for (int i = 0; i < depth; ++i) c += "or (a<b ";
    return c + std::string(depth, ')');
  };
  EXPECT_EQ(ConditionError(nested(149)), "no error");  // 299 operators
  EXPECT_EQ(ConditionError(nested(454)),
            V("Invalid ConditionExpression: The expression contains too many operators; "
              "operator count: 301"));
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "not ";
  EXPECT_EQ(ConditionError(nots + "a<b"),
            V("Invalid ConditionExpression: The expression contains too many operators; "
              "operator count: 301"));
}

TEST(ConditionErrorsTest, DeepNestingFailsCleanly) {
  // test_limits.py::test_deeply_nested_expression_*: rejected without exhausting the stack.
  EXPECT_EQ(ConditionError(std::string(2046, '(') + "a<b" + std::string(2046, ')')),
            V("Invalid ConditionExpression: The expression has redundant parentheses;"));
  EXPECT_EQ(ConditionError(std::string(4096, '(')),
            V("Invalid ConditionExpression: The expression has redundant parentheses;"));
  std::string calls = "a < ";
  for (int i = 0; i < 1355; ++i) calls += "f(";
  calls += "b" + std::string(1355, ')');
  EXPECT_EQ(ConditionError(calls),
            V("Invalid ConditionExpression: Invalid function name; function: f"));
  std::string sizes = "a < ";
  for (int i = 0; i < 680; ++i) sizes += "size(";
  sizes += "b" + std::string(680, ')');
  EXPECT_EQ(ConditionError(sizes),
            V("Invalid ConditionExpression: Incorrect operand type for operator or function; "
              "operator or function: size, operand type: N"));
}

TEST(ConditionErrorsTest, KeywordsAreCaseInsensitiveFunctionsAreNot) {
  EXPECT_EQ(ConditionError("a < b aNd NoT b < c oR c BeTwEeN a AnD b"), "no error");
  EXPECT_EQ(ConditionError("a In (b, c)"), "no error");
  EXPECT_EQ(ConditionError("ATTRIBUTE_EXISTS(a)"),
            V("Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS"));
}

}  // namespace
}  // namespace tideline::expr
