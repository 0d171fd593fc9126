// KeyConditionExpression and KeyConditions. Messages: dynalite test/query.js and Alternator's
// test_key_condition_expression.py / test_key_conditions.py.

#include <string>

#include "expr/expressions.h"
#include "expr_test_util.h"

namespace tideline::expr {
namespace {

using testing::Av;
using testing::ErrorOf;
using testing::Params;
using testing::V;
using RangeOp = KeyCondition::RangeOp;

model::KeySchema Schema(bool range = true, model::AvType range_type = model::AvType::kN) {
  model::KeySchema s;
  s.hash_name = "p";
  s.hash_type = model::AvType::kS;
  if (range) {
    s.range_name = "c";
    s.range_type = range_type;
  }
  return s;
}

const char* kValues = R"({":p":{"S":"x"},":c":{"N":"3"},":d":{"N":"7"}})";

KeyCondition Parse(std::string_view expr, std::string_view values = kValues,
                   const model::KeySchema& schema = Schema(), std::string_view names = "") {
  Params p(values, names);
  return ParseKeyCondition(expr, p.r(), schema);
}

std::string Error(std::string_view expr, std::string_view values = kValues,
                  const model::KeySchema& schema = Schema()) {
  return ErrorOf([&] { Parse(expr, values, schema); });
}

TEST(KeyConditionTest, HashOnlyAndEveryRangeOperator) {
  KeyCondition kc = Parse(" p  =   :p ");
  EXPECT_EQ(kc.hash_value, Av(R"({"S":"x"})"));
  EXPECT_EQ(kc.op, RangeOp::kNone);
  struct Case {
    const char* expr;
    RangeOp op;
  } cases[] = {
      {"p=:p AND c=:c", RangeOp::kEq},     {"p=:p AND c<:c", RangeOp::kLt},
      {"p=:p AND c<=:c", RangeOp::kLe},    {"p=:p AND c>:c", RangeOp::kGt},
      {"p=:p AND c>=:c", RangeOp::kGe},    {":p=p AND :c<c", RangeOp::kGt},
      {":c<=c AND :p=p", RangeOp::kGe},    {":c>c AND p=:p", RangeOp::kLt},
      {"c = :c and p = :p", RangeOp::kEq},
  };
  for (const Case& c : cases) {
    kc = Parse(c.expr);
    EXPECT_EQ(kc.op, c.op) << c.expr;
    EXPECT_EQ(kc.value1, Av(R"({"N":"3"})")) << c.expr;
    EXPECT_EQ(kc.hash_value, Av(R"({"S":"x"})")) << c.expr;
  }
  kc = Parse("p=:p AnD c BeTwEeN :c aNd :d");
  EXPECT_EQ(kc.op, RangeOp::kBetween);
  EXPECT_EQ(kc.value2, Av(R"({"N":"7"})"));
  kc = Parse("((c=:c) AND (p=:p))");
  EXPECT_EQ(kc.op, RangeOp::kEq);
  kc = Parse("#a=:p AND begins_with(#b, :s)", R"({":p":{"S":"x"},":s":{"S":"00"}})",
             Schema(true, model::AvType::kS), R"({"#a":"p","#b":"c"})");
  EXPECT_EQ(kc.op, RangeOp::kBeginsWith);
  EXPECT_EQ(kc.value1, Av(R"({"S":"00"})"));
}

TEST(KeyConditionTest, SchemaErrors) {
  EXPECT_EQ(Error("c=:c", R"({":c":{"N":"3"}})"),
            V("Query condition missed key schema element: p"));
  EXPECT_EQ(Error("p=:p AND a<:c", R"({":p":{"S":"x"},":c":{"N":"3"}})"),
            V("Query condition missed key schema element: c"));
  EXPECT_EQ(Error("p<:p", R"({":p":{"S":"x"}})"), V("Query key condition not supported"));
  EXPECT_EQ(Error("p=:p AND c=:c", R"({":p":{"S":"x"},":c":{"N":"3"}})", Schema(false)),
            V("Query key condition not supported"));
  EXPECT_EQ(Error("p=:num", R"({":num":{"N":"3"}})"),
            V("One or more parameter values were invalid: Condition parameter type does not match "
              "schema type"));
  EXPECT_EQ(Error("p=:p AND c=:str", R"({":p":{"S":"x"},":str":{"S":"hello"}})"),
            V("One or more parameter values were invalid: Condition parameter type does not match "
              "schema type"));
  EXPECT_EQ(Error("p=:p", R"({":p":{"S":""}})"),
            V("One or more parameter values are not valid. The AttributeValue for a key attribute "
              "cannot contain an empty string value. Key: p"));
  EXPECT_EQ(Error("p=:p AND begins_with(c, :c)", R"({":p":{"S":"x"},":c":{"N":"3"}})"),
            V("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
              "operator or function: begins_with, operand type: N"));
}

TEST(KeyConditionTest, StructuralErrors) {
  auto bad = [](const char* expr) { return Error(expr, ""); };
  const char* invalid_op = "Invalid operator used in KeyConditionExpression: ";
  EXPECT_EQ(bad("a > b and size(b) > c or a > c"), V(std::string(invalid_op) + "OR"));
  EXPECT_EQ(bad("a in (b, size(c), d)"), V(std::string(invalid_op) + "IN"));
  EXPECT_EQ(bad("attribute_exists(a)"), V(std::string(invalid_op) + "attribute_exists"));
  EXPECT_EQ(bad("attribute_not_exists(a)"), V(std::string(invalid_op) + "attribute_not_exists"));
  EXPECT_EQ(bad("contains(a.d, b)"), V(std::string(invalid_op) + "contains"));
  EXPECT_EQ(bad("not a > b"), V(std::string(invalid_op) + "NOT"));
  EXPECT_EQ(bad("a <> b"), V(std::string(invalid_op) + "<>"));
  EXPECT_EQ(Error("attribute_type(a, :a)", R"({":a":{"S":"S"}})"),
            V(std::string(invalid_op) + "attribute_type"));
  const char* two = R"({":a":{"S":"1"},":b":{"S":"1"}})";
  EXPECT_EQ(Error(":a between size(b) and size(a) and b > :b", two),
            V("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
              "attribute as its first operand"));
  EXPECT_EQ(Error("begins_with(:a, b) and a > :b", two),
            V("Invalid condition in KeyConditionExpression: begins_with operator must have the key "
              "attribute as its first operand"));
  for (const char* e :
       {"size(b) > a AND a.b > b AND b > c", "a > size(b.d)", "a between size(b) and size(a)"}) {
    EXPECT_EQ(bad(e), V("KeyConditionExpressions cannot contain nested operations")) << e;
  }
  for (const char* e :
       {"b > a.b", "b between c[1] and d", "a between b and size(a)", "begins_with(a, b)", "p=c"}) {
    EXPECT_EQ(bad(e), V("Invalid condition in KeyConditionExpression: Multiple attribute names "
                        "used in one condition"))
        << e;
  }
  for (const char* e : {"b.d > a AND c.d > e.f", "a.d > c", "b[0] > a"}) {
    EXPECT_EQ(bad(e), V("KeyConditionExpressions cannot have conditions on nested attributes"))
        << e;
  }
  const char* nums = R"({":a":{"N":"1"},":b":{"N":"1"}})";
  EXPECT_EQ(Error(":b > :a AND a < :b", nums),
            V("Invalid condition in KeyConditionExpression: No key attribute specified"));
  EXPECT_EQ(Error(":a > b AND :a < :b", nums),
            V("Invalid condition in KeyConditionExpression: No key attribute specified"));
  const char* one = R"({":a":{"N":"1"}})";
  for (const char* e : {"b > :a AND b < :a and c = :a and d = :a",
                        "(a > :a and b > :a) and (b > :a and c > :a)", "p=:a AND p=:a"}) {
    EXPECT_EQ(Error(e, one), V("KeyConditionExpressions must only contain one condition per key"))
        << e;
  }
  EXPECT_EQ(Error(":a = a and b = :a and :a = c", R"({":a":{"S":"a"}})"),
            V("Conditions can be of length 1 or 2 only"));
  EXPECT_EQ(Error("a between :b and :a", R"({":a":{"S":"a"},":b":{"N":"1"}})"),
            V("Invalid KeyConditionExpression: The BETWEEN operator requires same data type for "
              "lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound "
              "operand: AttributeValue: {S:a}"));
}

TEST(KeyConditionTest, ParserErrors) {
  EXPECT_EQ(Error(""), V("Invalid KeyConditionExpression: The expression can not be empty;"));
  EXPECT_EQ(Error("p=:p AND c!=:c"),
            V("Invalid KeyConditionExpression: Syntax error; token: \"!\", near: \"c!=\""));
  EXPECT_EQ(Error("p=:p AND dog(c, :c)"),
            V("Invalid KeyConditionExpression: Invalid function name; function: dog"));
  EXPECT_EQ(Error("p=:p AND BEGINS_WITH(c,:c)"),
            V("Invalid KeyConditionExpression: Invalid function name; function: BEGINS_WITH"));
  EXPECT_EQ(Error("((c=:c) AND ((p=:p)))"),
            V("Invalid KeyConditionExpression: The expression has redundant parentheses;"));
  EXPECT_EQ(Error("p=:q"),
            V("Invalid KeyConditionExpression: An expression attribute value used in expression "
              "is not defined; attribute value: :q"));
  EXPECT_EQ(Error("p"),
            V("Invalid KeyConditionExpression: Syntax error; token: \"<EOF>\", near: \"p\""));
}

std::string LegacyError(std::string_view json, const model::KeySchema& schema = Schema()) {
  return ErrorOf([&] { KeyConditionFromLegacy(*testing::Json(json), schema); });
}

TEST(KeyConditionTest, LegacyKeyConditions) {
  auto doc = testing::Json(
      R"({"c":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"5"}]},
                               "p":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]}})");
  KeyCondition kc = KeyConditionFromLegacy(*doc, Schema());
  EXPECT_EQ(kc.hash_value, Av(R"({"S":"x"})"));
  EXPECT_EQ(kc.op, RangeOp::kBetween);
  EXPECT_EQ(kc.value1, Av(R"({"N":"1"})"));
  EXPECT_EQ(kc.value2, Av(R"({"N":"5"})"));

  EXPECT_EQ(LegacyError("{}"), V("Conditions can be of length 1 or 2 only"));
  EXPECT_EQ(LegacyError(R"({"a":{"ComparisonOperator":"NULL"},"b":{"ComparisonOperator":"NULL"},
                             "c":{"ComparisonOperator":"NULL"}})"),
            V("Conditions can be of length 1 or 2 only"));
  EXPECT_EQ(LegacyError(R"({"p":{"ComparisonOperator":"EQ"}})"),
            V("One or more parameter values were invalid: Invalid number of argument(s) for the "
              "EQ ComparisonOperator"));
  EXPECT_EQ(
      LegacyError(R"({"p":{"ComparisonOperator":"LT","AttributeValueList":[{"BOOL":true}]}})"),
      V("One or more parameter values were invalid: ComparisonOperator LT is not valid for "
        "BOOL AttributeValue type"));
  EXPECT_EQ(LegacyError(
                R"({"p":{"ComparisonOperator":"IN","AttributeValueList":[{"S":"b"},{"N":"1"}]}})"),
            V("One or more parameter values were invalid: AttributeValues inside "
              "AttributeValueList must be of same type"));
  EXPECT_EQ(
      LegacyError(
          R"({"p":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"S":"b"},{"S":"a"}]}})"),
      V("The BETWEEN condition was provided a range where the lower bound is greater than "
        "the upper bound"));
  EXPECT_EQ(LegacyError(R"({"p":{"ComparisonOperator":"NOT_NULL"}})"),
            V("Attempted conditional constraint is not an indexable operation"));
  EXPECT_EQ(LegacyError(R"({"c":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"1"}]}})"),
            V("Query condition missed key schema element: p"));
  EXPECT_EQ(LegacyError(R"({"p":{"ComparisonOperator":"GT","AttributeValueList":[{"S":"a"}]}})"),
            V("Query key condition not supported"));
  EXPECT_EQ(LegacyError(R"({"p":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"1"}]}})"),
            V("One or more parameter values were invalid: Condition parameter type does not match "
              "schema type"));
  EXPECT_EQ(LegacyError(R"({"p":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]},
                             "c":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"N":"1"}]}})"),
            V("One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not "
              "valid for N AttributeValue type"));
  EXPECT_EQ(LegacyError(R"({"p":{"ComparisonOperator":"EQS"}})"),
            V("1 validation error detected: Value 'EQS' at 'keyConditions.p.member."
              "comparisonOperator' failed to satisfy constraint: Member must satisfy enum value "
              "set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, "
              "GE, CONTAINS]"));
}

}  // namespace
}  // namespace tideline::expr
