// Key conditions on secondary indexes: single-attribute index keys behave as table keys, and
// multi-attribute GSI keys follow shared/spec/indexes.md §1.5 (nubo-db's multiKeyGsi test, run
// on AWS, for the RANGE messages).

#include <string>

#include "expr/expressions.h"
#include "expr_test_util.h"

namespace tideline::expr {
namespace {

using testing::Av;
using testing::ErrorOf;
using testing::Json;
using testing::Params;
using testing::V;
using RangeOp = KeyCondition::RangeOp;
using model::AvType;

// h (S) HASH; a, b, c (S), d (N) RANGE.
model::IndexKeySchema Multi() {
  return {{{"h", AvType::kS}},
          {{"a", AvType::kS}, {"b", AvType::kS}, {"c", AvType::kS}, {"d", AvType::kN}}};
}
// t (S), u (N) HASH; no RANGE.
model::IndexKeySchema TwoHash() { return {{{"t", AvType::kS}, {"u", AvType::kN}}, {}}; }
model::IndexKeySchema Single() { return {{{"g", AvType::kS}}, {{"r", AvType::kN}}}; }

const char* kValues =
    R"({":h":{"S":"o"},":a":{"S":"A"},":b":{"S":"B"},":c":{"S":"C"},":d":{"N":"4"},)"
    R"(":e":{"N":"9"},":t":{"S":"T"},":u":{"N":"1"},":g":{"S":"G"},":r":{"N":"2"}})";

CompositeKeyCondition Parse(std::string_view expr, const model::IndexKeySchema& schema = Multi()) {
  Params p(kValues);
  CompositeKeyCondition kc = ParseIndexKeyCondition(expr, p.r(), schema);
  return kc;
}

std::string Error(std::string_view expr, const model::IndexKeySchema& schema = Multi()) {
  return ErrorOf([&] {
    Params p(kValues);
    ParseIndexKeyCondition(expr, p.r(), schema);
  });
}

std::string RangeError(const char* earlier, const char* later) {
  return V(std::string("RANGE key attributes ") + earlier +
           " must have equality conditions specified in the query because a condition is "
           "present on key attribute " +
           later);
}

TEST(IndexKeyConditionTest, EqualityPrefixAndLastCondition) {
  CompositeKeyCondition kc = Parse("h = :h");
  ASSERT_EQ(kc.hash_values.size(), 1u);
  EXPECT_EQ(kc.hash_values[0], Av(R"({"S":"o"})"));
  EXPECT_TRUE(kc.range_equal.empty());
  EXPECT_EQ(kc.op, RangeOp::kNone);

  kc = Parse("b = :b AND h = :h AND a = :a");  // clauses in any order
  ASSERT_EQ(kc.range_equal.size(), 2u);
  EXPECT_EQ(kc.range_equal[0], Av(R"({"S":"A"})"));
  EXPECT_EQ(kc.range_equal[1], Av(R"({"S":"B"})"));
  EXPECT_EQ(kc.op, RangeOp::kNone);

  kc = Parse("h = :h AND a = :a AND b = :b AND c = :c AND d BETWEEN :d AND :e");
  EXPECT_EQ(kc.range_equal.size(), 3u);
  EXPECT_EQ(kc.op, RangeOp::kBetween);
  EXPECT_EQ(kc.value1, Av(R"({"N":"4"})"));
  EXPECT_EQ(kc.value2, Av(R"({"N":"9"})"));

  kc = Parse("h = :h AND begins_with(a, :a)");
  EXPECT_TRUE(kc.range_equal.empty());
  EXPECT_EQ(kc.op, RangeOp::kBeginsWith);
  kc = Parse("h = :h AND a = :a AND :b < b");
  EXPECT_EQ(kc.range_equal.size(), 1u);
  EXPECT_EQ(kc.op, RangeOp::kGt);
}

TEST(IndexKeyConditionTest, RangeAttributesLeftToRight) {
  EXPECT_EQ(Error("h = :h AND a = :a AND c = :c"), RangeError("b", "c"));
  EXPECT_EQ(Error("h = :h AND a = :a AND b > :b AND c = :c"), RangeError("b", "c"));
  EXPECT_EQ(Error("h = :h AND b = :b"), RangeError("a", "b"));
  EXPECT_EQ(Error("h = :h AND begins_with(a, :a) AND d = :d"), RangeError("a", "d"));
}

TEST(IndexKeyConditionTest, HashAttributes) {
  CompositeKeyCondition kc = Parse("u = :u AND t = :t", TwoHash());
  ASSERT_EQ(kc.hash_values.size(), 2u);
  EXPECT_EQ(kc.hash_values[0], Av(R"({"S":"T"})"));  // schema order, not clause order
  EXPECT_EQ(kc.hash_values[1], Av(R"({"N":"1"})"));
  EXPECT_EQ(Error("t = :t", TwoHash()), V("Query condition missed key schema element: u"));
  EXPECT_EQ(Error("a = :a", Multi()), V("Query condition missed key schema element: h"));
  EXPECT_EQ(Error("t = :t AND u > :u", TwoHash()),
            V("HASH key attributes u must have equality conditions specified in the query"));
  EXPECT_EQ(Error("t = :t AND u = :u AND x = :a", TwoHash()),
            V("Query key condition not supported"));
  EXPECT_EQ(Error("t = :t AND u = :t", TwoHash()),
            V("One or more parameter values were invalid: Condition parameter type does not "
              "match schema type"));
}

// A key of one HASH and one RANGE attribute is checked as a table key is.
TEST(IndexKeyConditionTest, SingleAttributeKeysAsTables) {
  CompositeKeyCondition kc = Parse("g = :g AND r = :r", Single());
  ASSERT_EQ(kc.range_equal.size(), 1u);  // equality joins the prefix
  EXPECT_EQ(kc.op, RangeOp::kNone);
  kc = Parse("g = :g AND r <= :r", Single());
  EXPECT_EQ(kc.op, RangeOp::kLe);
  EXPECT_EQ(Error("r = :r", Single()), V("Query condition missed key schema element: g"));
  EXPECT_EQ(Error("g = :g AND r = :r AND t = :t", Single()),
            V("Conditions can be of length 1 or 2 only"));
}

TEST(IndexKeyConditionTest, LegacyKeyConditions) {
  auto doc = Json(R"({"h":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"o"}]},
                      "a":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"A"}]},
                      "b":{"ComparisonOperator":"LT","AttributeValueList":[{"S":"B"}]}})");
  CompositeKeyCondition kc = IndexKeyConditionFromLegacy(*doc, Multi());
  EXPECT_EQ(kc.range_equal.size(), 1u);
  EXPECT_EQ(kc.op, RangeOp::kLt);
  auto gap = Json(R"({"h":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"o"}]},
                      "b":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"B"}]}})");
  EXPECT_EQ(ErrorOf([&] { IndexKeyConditionFromLegacy(*gap, Multi()); }), RangeError("a", "b"));
  auto not_indexable = Json(R"({"h":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"o"}]},
                      "a":{"ComparisonOperator":"NOT_NULL"}})");
  EXPECT_EQ(ErrorOf([&] { IndexKeyConditionFromLegacy(*not_indexable, Multi()); }),
            V("Attempted conditional constraint is not an indexable operation"));
}

}  // namespace
}  // namespace tideline::expr
