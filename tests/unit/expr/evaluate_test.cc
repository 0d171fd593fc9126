// Evaluation of ConditionExpression operators and functions across all value types. Expected
// results follow DynamoDB as recorded in Alternator's test_condition_expression.py.

#include <string>
#include <vector>

#include "expr/expressions.h"
#include "expr_test_util.h"

namespace tideline::expr {
namespace {

using testing::Eval;

// One value of every type (as in test_update_condition_eq_different).
const std::vector<std::string>& AllTypes() {
  static const std::vector<std::string> v = {
      R"({"N":"1"})",
      R"({"S":"hello"})",
      R"({"BOOL":true})",
      R"({"B":"eHl6"})",
      R"({"NULL":true})",
      R"({"L":[{"S":"hello"},{"N":"42"}]})",
      R"({"M":{"hello":{"S":"world"}}})",
      R"({"SS":["hello","world"]})",
      R"({"NS":["1","2","3"]})",
      R"({"BS":["eHl6","aGk="]})",
  };
  return v;
}

std::string Item(const std::string& a) { return R"({"p":{"S":"k"},"a":)" + a + "}"; }
std::string Values(const std::string& v) { return R"({":v":)" + v + "}"; }

TEST(EvaluateTest, EqualityHoldsOnlyForTheSameTypeAndValue) {
  const auto& t = AllTypes();
  for (size_t i = 0; i < t.size(); ++i) {
    for (size_t j = 0; j < t.size(); ++j) {
      EXPECT_EQ(Eval("a = :v", Item(t[i]), Values(t[j])), i == j) << t[i] << " = " << t[j];
      EXPECT_EQ(Eval("a <> :v", Item(t[i]), Values(t[j])), i != j) << t[i] << " <> " << t[j];
      EXPECT_EQ(Eval("a IN (:v)", Item(t[i]), Values(t[j])), i == j);
    }
    // Comparing two attributes of the item.
    EXPECT_TRUE(Eval("a = b", R"({"a":)" + t[i] + R"(,"b":)" + t[i] + "}"));
  }
}

TEST(EvaluateTest, SetsAndNumbersCompareByValue) {
  EXPECT_TRUE(Eval("a = :v", Item(R"({"NS":["3","1","2"]})"), Values(R"({"NS":["1","2","3"]})")));
  EXPECT_TRUE(Eval("a = :v", Item(R"({"SS":["b","a"]})"), Values(R"({"SS":["a","b"]})")));
  EXPECT_FALSE(Eval("a = :v", Item(R"({"SS":["b","a"]})"), Values(R"({"SS":["a"]})")));
  EXPECT_TRUE(Eval("a = :v", Item(R"({"N":"1.50"})"), Values(R"({"N":"1.5"})")));
  EXPECT_TRUE(Eval("a = :v", Item(R"({"N":"100"})"), Values(R"({"N":"1E2"})")));
}

TEST(EvaluateTest, MissingAttributesAreNeverEqualAndAlwaysNotEqual) {
  const char* item = R"({"a":{"N":"1"}})";
  const char* one = R"({":v":{"N":"1"}})";
  EXPECT_FALSE(Eval("q = :v", item, one));
  EXPECT_TRUE(Eval("q <> :v", item, one));
  EXPECT_FALSE(Eval("q = z", item));
  EXPECT_TRUE(Eval("q <> z", item));
  for (const char* op : {"<", "<=", ">", ">="}) {
    EXPECT_FALSE(Eval(std::string("q ") + op + " :v", item, one)) << op;
    EXPECT_FALSE(Eval(std::string(":v ") + op + " q", item, one)) << op;
    EXPECT_FALSE(Eval(std::string("q ") + op + " z", item)) << op;
  }
  EXPECT_FALSE(Eval("q between z and x", item));
  EXPECT_FALSE(Eval("q IN (:v)", item, one));
  // No item at all.
  EXPECT_FALSE(Eval("a = :v", "", one));
  EXPECT_TRUE(Eval("a <> :v", "", one));
  EXPECT_TRUE(Eval("attribute_not_exists(a)", ""));
  EXPECT_FALSE(Eval("attribute_exists(a)", ""));
}

TEST(EvaluateTest, OrderingComparesNumbersStringsAndBinaries) {
  const char* item = R"({"n":{"N":"10"},"s":{"S":"cat"},"b":{"B":"Y2F0"},"neg":{"N":"-2.5"},
                         "hi":{"B":"gA=="},"lo":{"B":"fw=="},"u":{"S":"\u00e9"}})";
  EXPECT_TRUE(Eval("n > :v", item, R"({":v":{"N":"9"}})"));  // numeric, not textual
  EXPECT_TRUE(Eval("n < :v", item, R"({":v":{"N":"10.5"}})"));
  EXPECT_TRUE(Eval("n <= :v", item, R"({":v":{"N":"1E1"}})"));
  EXPECT_FALSE(Eval("n < :v", item, R"({":v":{"N":"10"}})"));
  EXPECT_TRUE(Eval("neg < :v", item, R"({":v":{"N":"-2.4"}})"));
  EXPECT_TRUE(Eval("neg >= :v", item, R"({":v":{"N":"-2.50"}})"));
  EXPECT_TRUE(Eval("s < :v", item, R"({":v":{"S":"dog"}})"));
  EXPECT_FALSE(Eval("s < :v", item, R"({":v":{"S":"aardvark"}})"));
  EXPECT_TRUE(Eval("s >= :v", item, R"({":v":{"S":"cat"}})"));
  EXPECT_TRUE(Eval("b < :v", item, R"({":v":{"B":"ZG9n"}})"));
  // Binaries order as unsigned bytes: 0x80 > 0x7f (test_key_condition_expression_unsigned_bytes).
  EXPECT_TRUE(Eval("hi > lo", item));
  // Strings order by UTF-8 bytes (code points): "é" > "z".
  EXPECT_TRUE(Eval("u > :v", item, R"({":v":{"S":"z"}})"));
  // Different types, or types without an order in the item: false, not an error.
  EXPECT_FALSE(Eval("n < :v", item, R"({":v":{"S":"17"}})"));
  EXPECT_FALSE(Eval("x < :v", R"({"x":{"L":[{"N":"1"}]}})", R"({":v":{"N":"1"}})"));
  EXPECT_FALSE(Eval("x >= x2", R"({"x":{"BOOL":true},"x2":{"BOOL":true}})"));
}

TEST(EvaluateTest, BetweenIsInclusiveAndTyped) {
  const char* item = R"({"a":{"N":"2"},"b":{"S":"cat"},"two":{"N":"2"},"d":{"NS":["2"]}})";
  const char* bounds = R"({":lo":{"N":"1"},":hi":{"N":"3"},":two":{"N":"2"}})";
  EXPECT_TRUE(Eval("a BETWEEN :lo AND :hi AND :two = a", item, bounds));
  EXPECT_TRUE(Eval("a between :two and :hi AND :lo < a", item, bounds));
  EXPECT_TRUE(Eval("a between :lo and :two AND :hi > a", item, bounds));
  EXPECT_FALSE(Eval("a between :lo and :lo AND :hi > :two", item, bounds));
  EXPECT_FALSE(Eval("a between :hi and :hi AND :lo < :two", item, bounds));
  EXPECT_TRUE(Eval("b between :x and :y", item, R"({":x":{"S":"aardvark"},":y":{"S":"dog"}})"));
  // Bounds from the item: a wrong order or type is just false.
  EXPECT_FALSE(Eval("a BETWEEN two AND :v", item, R"({":v":{"N":"1"}})"));
  EXPECT_FALSE(Eval("a BETWEEN two AND :v", item, R"({":v":{"S":"dog"}})"));
  EXPECT_FALSE(Eval("d BETWEEN :lo AND :hi", item, R"({":lo":{"N":"1"},":hi":{"N":"3"}})"));
}

TEST(EvaluateTest, InMatchesAnyListedValueOfAnyType) {
  const char* item = R"({"a":{"N":"74"},"s":{"SS":["x"]}})";
  EXPECT_TRUE(Eval("a IN (:x, :y)", item, R"({":x":{"S":"dog"},":y":{"N":"74"}})"));
  EXPECT_FALSE(Eval("a IN (:x, :y)", item, R"({":x":{"S":"dog"},":y":{"N":"75"}})"));
  EXPECT_TRUE(Eval("s IN (:x)", item, R"({":x":{"SS":["x"]}})"));
  EXPECT_TRUE(Eval("a IN (b, c, a)", item));
}

TEST(EvaluateTest, AttributeExistenceAndType) {
  const auto& t = AllTypes();
  const char* names[] = {"N", "S", "BOOL", "B", "NULL", "L", "M", "SS", "NS", "BS"};
  for (size_t i = 0; i < t.size(); ++i) {
    for (size_t j = 0; j < t.size(); ++j) {
      std::string type = R"({":t":{"S":")" + std::string(names[j]) + "\"}}";
      EXPECT_EQ(Eval("attribute_type(a, :t)", Item(t[i]), type), i == j) << t[i] << names[j];
    }
    EXPECT_TRUE(Eval("attribute_exists(a)", Item(t[i])));
    EXPECT_FALSE(Eval("attribute_not_exists(a)", Item(t[i])));
  }
  EXPECT_FALSE(Eval("attribute_type(z, :t)", Item(t[0]), R"({":t":{"S":"N"}})"));
  // The first operand may also be a value.
  EXPECT_TRUE(Eval("attribute_type(:v, :t)", "", R"({":v":{"N":"0"},":t":{"S":"N"}})"));
  const char* nested = R"({"b":{"M":{"x":{"N":"1"},"y":{"L":[{"N":"-1"},{"N":"2"},{"N":"0"}]}}}})";
  EXPECT_TRUE(Eval("attribute_exists(b.x)", nested));
  EXPECT_TRUE(Eval("attribute_exists(b.y[2])", nested));
  EXPECT_FALSE(Eval("attribute_exists(b.y[3])", nested));
  EXPECT_FALSE(Eval("attribute_exists(b.x.z)", nested));
  EXPECT_FALSE(Eval("attribute_exists(b[0])", nested));
  EXPECT_TRUE(Eval("b.x < b.y[1]", nested));
  EXPECT_FALSE(Eval("b.x < b.y[0]", nested));
  EXPECT_FALSE(Eval("b.z < b.y[100]", nested));
  EXPECT_TRUE(Eval("#n1.#n2 = :two", R"({"and":{"M":{"or":{"N":"2"}}}})", R"({":two":{"N":"2"}})",
                   R"({"#n1":"and","#n2":"or"})"));
}

TEST(EvaluateTest, BeginsWith) {
  const char* item = R"({"a":{"S":"hello"},"b":{"B":"aGkgdGhlcmU="},"n":{"N":"12"}})";
  EXPECT_TRUE(Eval("begins_with(a, :p)", item, R"({":p":{"S":"hell"}})"));
  EXPECT_TRUE(Eval("begins_with(a, :p)", item, R"({":p":{"S":""}})"));
  EXPECT_FALSE(Eval("begins_with(a, :p)", item, R"({":p":{"S":"dog"}})"));
  EXPECT_TRUE(Eval("begins_with(b, :p)", item, R"({":p":{"B":"aGk="}})"));
  EXPECT_FALSE(Eval("begins_with(a, :p)", item, R"({":p":{"B":"aGVs"}})"));
  EXPECT_FALSE(Eval("begins_with(n, :p)", item, R"({":p":{"S":"1"}})"));
  EXPECT_FALSE(Eval("begins_with(c, :p)", item, R"({":p":{"S":"1"}})"));
  EXPECT_TRUE(Eval("begins_with(:s, a)", item, R"({":s":{"S":"hellohi"}})"));
}

TEST(EvaluateTest, Contains) {
  const char* item = R"({"a":{"S":"hello"},"b":{"NS":["2","4","7"]},"c":{"L":[{"N":"2"},{"N":"4"}]},
      "d":{"B":"aGkgdGhlcmU="},"e":{"L":[{"S":"hi"},{"NS":["1","2"]},{"L":[{"N":"3"},{"N":"4"}]}]},
      "s":{"SS":["x","y"]},"bs":{"BS":["aGk="]},"m":{"M":{"k":{"S":"v"}}},"n":{"N":"12"}})";
  EXPECT_TRUE(Eval("contains(a, :v)", item, R"({":v":{"S":"ell"}})"));
  EXPECT_FALSE(Eval("contains(a, :v)", item, R"({":v":{"S":"dog"}})"));
  EXPECT_TRUE(Eval("contains(b, :v)", item, R"({":v":{"N":"4"}})"));
  EXPECT_TRUE(Eval("contains(b, :v)", item, R"({":v":{"N":"4.0"}})"));
  EXPECT_FALSE(Eval("contains(b, :v)", item, R"({":v":{"S":"4"}})"));
  EXPECT_TRUE(Eval("contains(c, :v)", item, R"({":v":{"N":"4"}})"));
  EXPECT_TRUE(Eval("contains(d, :v)", item, R"({":v":{"B":"aGVyZQ=="}})"));
  EXPECT_FALSE(Eval("contains(d, :v)", item, R"({":v":{"NS":["1","2"]}})"));
  EXPECT_TRUE(Eval("contains(e, :v)", item, R"({":v":{"NS":["2","1"]}})"));
  EXPECT_TRUE(Eval("contains(e, :v)", item, R"({":v":{"L":[{"N":"3"},{"N":"4"}]}})"));
  EXPECT_TRUE(Eval("contains(s, :v)", item, R"({":v":{"S":"y"}})"));
  EXPECT_TRUE(Eval("contains(bs, :v)", item, R"({":v":{"B":"aGk="}})"));
  EXPECT_FALSE(Eval("contains(m, :v)", item, R"({":v":{"S":"k"}})"));
  EXPECT_FALSE(Eval("contains(n, :v)", item, R"({":v":{"N":"1"}})"));
  EXPECT_FALSE(Eval("contains(q, :v)", item, R"({":v":{"N":"1"}})"));
  EXPECT_TRUE(Eval("contains(a, b2)", R"({"a":{"S":"hello"},"b2":{"S":"ll"}})"));
}

TEST(EvaluateTest, Size) {
  const char* item =
      R"({"a":{"S":"hello"},"b":{"NS":["2","4","7"]},"c":{"L":[{"N":"2"},{"S":"dog"},{"N":"7"}]},
      "d":{"B":"aGkgdGhlcmU="},"e":{"M":{"x":{"N":"2"},"y":{"M":{"m":{"N":"3"},"n":{"N":"4"}}}}},
      "f":{"N":"5"},"g":{"BOOL":true},"h":{"NULL":true},"u":{"S":"\u00e9t\u00e9"}})";
  auto size_is = [&](const char* attr, const char* n) {
    return Eval(std::string("size(") + attr + ") = :n", item,
                std::string(R"({":n":{"N":")") + n + "\"}}");
  };
  EXPECT_TRUE(size_is("a", "5"));
  EXPECT_TRUE(size_is("b", "3"));
  EXPECT_TRUE(size_is("c", "3"));
  EXPECT_TRUE(size_is("d", "8"));
  EXPECT_TRUE(size_is("e", "2"));
  EXPECT_TRUE(size_is("u", "5"));  // UTF-8 bytes
  EXPECT_FALSE(size_is("f", "1"));
  EXPECT_FALSE(size_is("g", "1"));
  EXPECT_FALSE(size_is("h", "1"));
  EXPECT_FALSE(size_is("zz", "0"));
  EXPECT_FALSE(Eval("size(a) = :n", item, R"({":n":{"S":"dog"}})"));
  EXPECT_TRUE(Eval("size(a) = f", item));
  EXPECT_TRUE(Eval("size(a) <> :n", item, R"({":n":{"N":"4"}})"));
  EXPECT_TRUE(Eval("size(a) < :n", item, R"({":n":{"N":"7"}})"));
  EXPECT_TRUE(Eval("size(a) >= :n", item, R"({":n":{"N":"2"}})"));
  EXPECT_TRUE(Eval("size(e.y) BETWEEN :a AND :b", item, R"({":a":{"N":"1"},":b":{"N":"2"}})"));
  EXPECT_TRUE(Eval("size(a) IN (:a, :b)", item, R"({":a":{"N":"1"},":b":{"N":"5"}})"));
}

TEST(EvaluateTest, LogicalOperatorsAndPrecedence) {
  const char* item = R"({"a":{"N":"1"},"b":{"N":"2"},"c":{"N":"3"}})";
  EXPECT_TRUE(Eval("a < b AND b < c", item));
  EXPECT_FALSE(Eval("a < b AND c < b", item));
  EXPECT_TRUE(Eval("b < a OR b < c", item));
  EXPECT_FALSE(Eval("b < a OR c < b", item));
  EXPECT_TRUE(Eval("NOT b < a", item));
  EXPECT_TRUE(Eval("NOT NOT NOT NOT a < b", item));
  // AND binds tighter than OR, NOT tighter than AND, BETWEEN tighter than AND.
  EXPECT_TRUE(Eval("a < b OR c < b AND b < c", item));
  EXPECT_FALSE(Eval("NOT a < b AND c < b", item));
  EXPECT_TRUE(Eval("b BETWEEN a AND c AND a < b", item));
  EXPECT_TRUE(Eval("(a < b OR b < a) AND (b < c AND (a < b OR b < c))", item));
  EXPECT_FALSE(Eval("(c < b OR b < a) AND a < b", item));
  EXPECT_TRUE(Eval("NOT (c < b OR b < a)", item));
  EXPECT_TRUE(Eval("(a) < (b)", item));
}

}  // namespace
}  // namespace tideline::expr
