#include <string>

#include "expr/expressions.h"
#include "expr_test_util.h"

namespace tideline::expr {
namespace {

using testing::ErrorOf;
using testing::Params;
using testing::V;

std::string ResolverError(std::string_view values, std::string_view names) {
  return ErrorOf([&] { Params p(values, names); });
}

TEST(ResolverTest, ValidatesNames) {
  EXPECT_EQ(ResolverError("", "{}"), V("ExpressionAttributeNames must not be empty"));
  EXPECT_EQ(ResolverError("", R"({"a":"a"})"),
            V("ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\""));
  EXPECT_EQ(ResolverError("", R"({"#":"a"})"),
            V("ExpressionAttributeNames contains invalid key: Syntax error; key: \"#\""));
  EXPECT_EQ(ResolverError("", R"({"#a-b":"a"})"),
            V("ExpressionAttributeNames contains invalid key: Syntax error; key: \"#a-b\""));
  EXPECT_EQ(ResolverError("", R"({"#DE":""})"),
            V("ExpressionAttributeNames contains invalid value: Empty attribute name for key #DE"));
  EXPECT_EQ(
      ResolverError("", R"({"#123":"x","#_":"y","#Alpha_1":"3can include any character!.#="})"),
      "no error");
}

TEST(ResolverTest, ValidatesValues) {
  EXPECT_EQ(ResolverError("{}", ""), V("ExpressionAttributeValues must not be empty"));
  EXPECT_EQ(ResolverError(R"({"a":{"S":"b"}})", ""),
            V("ExpressionAttributeValues contains invalid key: Syntax error; key: \"a\""));
  EXPECT_EQ(
      ResolverError(R"({":a":{"SS":[]}})", "")
          .rfind("ValidationException: ExpressionAttributeValues contains invalid value: ", 0),
      0u);
  EXPECT_NE(ResolverError(R"({":a":{"SS":[]}})", "").find(" for key :a"), std::string::npos);
  // Keys are all checked before any value.
  EXPECT_EQ(ResolverError(R"({":a":{"SS":[]},"b":{"S":"x"}})", ""),
            V("ExpressionAttributeValues contains invalid key: Syntax error; key: \"b\""));
}

TEST(ResolverTest, ReportsUnusedEntriesInRequestOrder) {
  Params p(R"({":v1":{"N":"1"},":v3":{"N":"3"},":v2":{"N":"2"}})",
           R"({"#b":"x","#a":"y","#c":"z"})");
  ParseCondition("#a = :v2", p.r(), "ConditionExpression");
  EXPECT_EQ(ErrorOf([&] { p.r().CheckAllUsed(); }),
            V("Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}"));
  ParseUpdate("SET #b = :v1, #c = :v1", p.r());
  EXPECT_EQ(ErrorOf([&] { p.r().CheckAllUsed(); }),
            V("Value provided in ExpressionAttributeValues unused in expressions: keys: {:v3}"));
  ParseProjection("#a", p.r());
  ParseCondition("a = :v3", p.r(), "FilterExpression");
  EXPECT_EQ(ErrorOf([&] { p.r().CheckAllUsed(); }), "no error");
}

TEST(ResolverTest, ParsedExpressionsOutliveTheResolver) {
  std::shared_ptr<const Condition> c;
  {
    Params p(R"({":v":{"S":"x"}})");
    c = ParseCondition("a = :v", p.r(), "ConditionExpression");
  }
  model::Item item = testing::ItemOf(R"({"a":{"S":"x"}})");
  EXPECT_TRUE(EvaluateCondition(*c, &item));
}

}  // namespace
}  // namespace tideline::expr
