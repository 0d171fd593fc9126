// Expected / QueryFilter / ScanFilter / AttributeUpdates and the expression-vs-legacy parameter
// checks. Semantics: Alternator's test_expected.py and test_query_filter.py; messages: dynalite
// validations and DAX's RequestValidator.

#include <string>
#include <vector>

#include "expr/expressions.h"
#include "expr_test_util.h"

namespace tideline::expr {
namespace {

using testing::ErrorOf;
using testing::ItemOf;
using testing::Json;
using testing::V;

const char* kItem = R"({"p":{"S":"k"},"a":{"N":"1"},"s":{"S":"hello"},"ns":{"NS":["2","4","7"]},
                       "l":{"L":[{"N":"2"},{"N":"4"}]},"d":{"B":"aGkgdGhlcmU="}})";

// Evaluates Expected `expected_json` (+ ConditionalOperator `op`, "" = absent) against kItem.
bool Expected(std::string_view expected_json, std::string_view op = "") {
  auto e = Json(expected_json);
  std::unique_ptr<json::Document> o;
  if (!op.empty()) o = Json("\"" + std::string(op) + "\"");
  auto c = ConditionFromExpected(e.get(), o.get());
  if (!c) return true;
  model::Item item = ItemOf(kItem);
  return EvaluateCondition(*c, &item);
}

std::string ExpectedError(std::string_view expected_json, std::string_view op = "") {
  return ErrorOf([&] { Expected(expected_json, op); });
}

std::string Cond(const char* op, const char* values) {
  return std::string(R"({"ComparisonOperator":")") + op + R"(","AttributeValueList":)" + values +
         "}";
}

TEST(LegacyConditionTest, ComparisonOperators) {
  auto on = [](const char* attr, const char* op, const char* values) {
    return Expected(std::string("{\"") + attr + "\":" + Cond(op, values) + "}");
  };
  EXPECT_TRUE(on("a", "EQ", R"([{"N":"1"}])"));
  EXPECT_FALSE(on("a", "EQ", R"([{"S":"1"}])"));
  EXPECT_TRUE(on("ns", "EQ", R"([{"NS":["7","4","2"]}])"));
  EXPECT_TRUE(on("l", "EQ", R"([{"L":[{"N":"2"},{"N":"4"}]}])"));
  EXPECT_TRUE(on("a", "NE", R"([{"N":"2"}])"));
  EXPECT_TRUE(on("a", "NE", R"([{"S":"1"}])"));
  EXPECT_TRUE(on("q", "NE", R"([{"N":"1"}])"));  // missing: not equal
  EXPECT_FALSE(on("a", "NE", R"([{"N":"1"}])"));
  EXPECT_TRUE(on("a", "LE", R"([{"N":"1"}])"));
  EXPECT_FALSE(on("a", "LT", R"([{"N":"1"}])"));
  EXPECT_TRUE(on("s", "GT", R"([{"S":"cat"}])"));
  EXPECT_TRUE(on("s", "GE", R"([{"S":"hello"}])"));
  EXPECT_FALSE(on("a", "GE", R"([{"S":"1"}])"));
  EXPECT_TRUE(on("a", "NOT_NULL", "[]"));
  EXPECT_FALSE(on("q", "NOT_NULL", "[]"));
  EXPECT_TRUE(on("q", "NULL", "[]"));
  EXPECT_TRUE(on("s", "CONTAINS", R"([{"S":"ell"}])"));
  EXPECT_TRUE(on("ns", "CONTAINS", R"([{"N":"4"}])"));
  EXPECT_TRUE(on("l", "CONTAINS", R"([{"N":"4"}])"));
  EXPECT_TRUE(on("d", "CONTAINS", R"([{"B":"aGVyZQ=="}])"));
  EXPECT_FALSE(on("q", "CONTAINS", R"([{"N":"1"}])"));
  EXPECT_TRUE(on("s", "NOT_CONTAINS", R"([{"S":"dog"}])"));
  EXPECT_FALSE(on("ns", "NOT_CONTAINS", R"([{"N":"4"}])"));
  // A missing attribute makes NOT_CONTAINS false too (test_update_expected_1_not_contains).
  EXPECT_FALSE(on("q", "NOT_CONTAINS", R"([{"N":"1"}])"));
  EXPECT_TRUE(on("s", "BEGINS_WITH", R"([{"S":"hell"}])"));
  EXPECT_FALSE(on("a", "BEGINS_WITH", R"([{"S":"1"}])"));
  EXPECT_TRUE(on("a", "IN", R"([{"N":"3"},{"N":"1"}])"));
  EXPECT_FALSE(on("ns", "IN", R"([{"N":"2"}])"));
  EXPECT_TRUE(on("a", "BETWEEN", R"([{"N":"1"},{"N":"3"}])"));
  EXPECT_FALSE(on("a", "BETWEEN", R"([{"N":"2"},{"N":"3"}])"));
  EXPECT_FALSE(on("q", "BETWEEN", R"([{"N":"0"},{"N":"100"}])"));
}

TEST(LegacyConditionTest, ValueAndExists) {
  EXPECT_TRUE(Expected(R"({"a":{"Value":{"N":"1"}}})"));
  EXPECT_FALSE(Expected(R"({"a":{"Value":{"N":"2"}}})"));
  EXPECT_FALSE(Expected(R"({"z":{"Value":{"N":"1"}}})"));
  EXPECT_TRUE(Expected(R"({"a":{"Exists":true,"Value":{"N":"1"}}})"));
  EXPECT_TRUE(Expected(R"({"z":{"Exists":false}})"));
  EXPECT_FALSE(Expected(R"({"a":{"Exists":false}})"));
  EXPECT_TRUE(Expected(R"({"a":{"ComparisonOperator":"EQ","Value":{"N":"1"}}})"));
  EXPECT_TRUE(Expected("{}"));
}

TEST(LegacyConditionTest, ConditionalOperator) {
  const char* conds = R"({"a":{"Exists":true,"Value":{"N":"74"}},
                          "s":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"hello"}]},
                          "c":{"Exists":false}})";
  EXPECT_FALSE(Expected(conds));
  EXPECT_FALSE(Expected(conds, "AND"));
  EXPECT_TRUE(Expected(conds, "OR"));
  EXPECT_EQ(ExpectedError("{}", "OR"),
            V("ConditionalOperator can only be used when Filter or Expected has two or more "
              "elements"));
  EXPECT_EQ(ErrorOf([] {
              auto op = Json("\"AND\"");
              ConditionFromExpected(nullptr, op.get());
            }),
            V("ConditionalOperator cannot be used without Filter or Expected"));
  EXPECT_EQ(ExpectedError(conds, "XOR"),
            V("1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to "
              "satisfy constraint: Member must satisfy enum value set: [OR, AND]"));
}

TEST(LegacyConditionTest, ExpectedValidation) {
  const char* invalid = "One or more parameter values were invalid: ";
  EXPECT_EQ(
      ExpectedError(
          R"({"a":{"Value":{"N":"1"},"AttributeValueList":[{"N":"1"}],"ComparisonOperator":"EQ"}})"),
      V(std::string(invalid) +
        "Value and AttributeValueList cannot be used together for Attribute: a"));
  EXPECT_EQ(
      ExpectedError(
          R"({"a":{"Exists":false,"ComparisonOperator":"EQ","AttributeValueList":[{"N":"3"}]}})"),
      V(std::string(invalid) +
        "Exists and ComparisonOperator cannot be used together for Attribute: a"));
  EXPECT_EQ(
      ExpectedError(R"({"a":{"ComparisonOperator":"GT"}})"),
      V(std::string(invalid) +
        "Value or AttributeValueList must be used with ComparisonOperator: GT for Attribute: a"));
  EXPECT_EQ(ExpectedError(R"({"a":{"AttributeValueList":[{"N":"3"}]}})"),
            V(std::string(invalid) +
              "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"));
  EXPECT_EQ(
      ExpectedError(R"({"a":{"Exists":true}})"),
      V(std::string(invalid) + "Value must be provided when Exists is true for Attribute: a"));
  EXPECT_EQ(
      ExpectedError(R"({"a":{}})"),
      V(std::string(invalid) + "Value must be provided when Exists is null for Attribute: a"));
  EXPECT_EQ(ExpectedError(R"({"a":{"Exists":false,"Value":{"N":"1"}}})"),
            V(std::string(invalid) + "Value cannot be used when Exists is false for Attribute: a"));
  EXPECT_EQ(
      ExpectedError(
          R"({"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"2"},{"N":"3"}]}})"),
      V(std::string(invalid) + "Invalid number of argument(s) for the EQ ComparisonOperator"));
  EXPECT_EQ(
      ExpectedError(R"({"a":{"ComparisonOperator":"NULL","AttributeValueList":[{"N":"2"}]}})"),
      V(std::string(invalid) + "Invalid number of argument(s) for the NULL ComparisonOperator"));
  EXPECT_EQ(
      ExpectedError(R"({"a":{"ComparisonOperator":"IN","AttributeValueList":[]}})"),
      V(std::string(invalid) + "Invalid number of argument(s) for the IN ComparisonOperator"));
  EXPECT_EQ(
      ExpectedError(
          R"({"a":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"3"},{"S":"dog"}]}})"),
      V(std::string(invalid) + "AttributeValues inside AttributeValueList must be of same type"));
  EXPECT_EQ(
      ExpectedError(
          R"({"a":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"L":[{"N":"1"}]}]}})"),
      V(std::string(invalid) +
        "ComparisonOperator CONTAINS is not valid for L AttributeValue type"));
  EXPECT_EQ(ExpectedError(
                R"({"a":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"N":"3"}]}})"),
            V(std::string(invalid) +
              "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"));
  EXPECT_EQ(
      ExpectedError(
          R"({"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"SS":["1"]},{"SS":["2"]}]}})"),
      V(std::string(invalid) +
        "ComparisonOperator BETWEEN is not valid for SS AttributeValue type"));
  EXPECT_EQ(
      ExpectedError(
          R"({"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"4"},{"N":"3"}]}})"),
      V("The BETWEEN condition was provided a range where the lower bound is greater than "
        "the upper bound"));
}

TEST(LegacyConditionTest, Filters) {
  auto filter = [](const char* json, const char* name = "ScanFilter") {
    auto f = Json(json);
    return ConditionFromFilter(f.get(), nullptr, name);
  };
  auto c = filter(R"({"a":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"0"}]},
                      "s":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"he"}]}})");
  model::Item item = ItemOf(kItem);
  EXPECT_TRUE(EvaluateCondition(*c, &item));
  EXPECT_EQ(filter("{}"), nullptr);
  EXPECT_EQ(
      ErrorOf([&] { filter(R"({"a":{"AttributeValueList":[]}})", "QueryFilter"); }),
      V("1 validation error detected: Value null at 'queryFilter.a.member.comparisonOperator' "
        "failed to satisfy constraint: Member must not be null"));
  EXPECT_EQ(ErrorOf([&] {
              filter(R"({"a":{"ComparisonOperator":"LT","AttributeValueList":[{"NULL":true}]}})");
            }),
            V("One or more parameter values were invalid: ComparisonOperator LT is not valid for "
              "NULL AttributeValue type"));
  EXPECT_EQ(ErrorOf([&] {
              filter(R"({"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":""}]}})");
            }),
            "no error");

  // Query filters may not read key attributes.
  model::KeySchema schema;
  schema.hash_name = "p";
  schema.range_name = "a";
  auto qf = filter(R"({"a":{"ComparisonOperator":"NOT_NULL"}})", "QueryFilter");
  EXPECT_EQ(ErrorOf([&] { CheckFilterUsesNoKeyAttributes(*qf, schema); }),
            V("QueryFilter can only contain non-key attributes: Primary key attribute: a"));
  testing::Params p;
  auto fe = ParseCondition("attribute_exists(x) OR p.q = y", p.r(), "FilterExpression");
  EXPECT_EQ(ErrorOf([&] { CheckFilterUsesNoKeyAttributes(*fe, schema); }),
            V("Filter Expression can only contain non-primary key attributes: Primary key "
              "attribute: p"));
  auto ok = ParseCondition("x = y", p.r(), "FilterExpression");
  EXPECT_EQ(ErrorOf([&] { CheckFilterUsesNoKeyAttributes(*ok, schema); }), "no error");
}

std::string ApplyLegacy(std::string_view updates, std::string_view item_json,
                        std::vector<std::string>* updated = nullptr) {
  std::string out;
  std::string err = ErrorOf([&] {
    auto plan = UpdateFromAttributeUpdates(*Json(updates));
    model::Item item = ItemOf(item_json);
    model::KeySchema schema;
    schema.hash_name = "p";
    ApplyUpdate(*plan, schema, &item, updated);
    out = model::ItemToJson(item);
  });
  return err == "no error" ? out : err;
}

std::string Canon(std::string_view item) { return model::ItemToJson(ItemOf(item)); }

TEST(LegacyUpdateTest, Actions) {
  const char* item =
      R"({"p":{"S":"k"},"a":{"N":"3"},"l":{"L":[{"N":"1"}]},"s":{"SS":["x","y"]},"t":{"S":"hi"}})";
  std::vector<std::string> updated;
  EXPECT_EQ(
      ApplyLegacy(R"({"b":{"Value":{"S":"new"}},"a":{"Action":"ADD","Value":{"N":"-1"}},
                            "l":{"Action":"ADD","Value":{"L":[{"N":"2"}]}},
                            "s":{"Action":"DELETE","Value":{"SS":["x"]}},"t":{"Action":"DELETE"}})",
                  item, &updated),
      Canon(
          R"({"p":{"S":"k"},"a":{"N":"2"},"b":{"S":"new"},"l":{"L":[{"N":"1"},{"N":"2"}]},"s":{"SS":["y"]}})"));
  EXPECT_EQ(updated, (std::vector<std::string>{"b", "a", "l", "s", "t"}));
  EXPECT_EQ(
      ApplyLegacy(
          R"({"s":{"Action":"DELETE","Value":{"SS":["x","y"]}},"n":{"Action":"ADD","Value":{"NS":["5"]}}})",
          item),
      Canon(
          R"({"p":{"S":"k"},"a":{"N":"3"},"l":{"L":[{"N":"1"}]},"n":{"NS":["5"]},"t":{"S":"hi"}})"));
  EXPECT_EQ(ApplyLegacy("{}", item), Canon(item));
  EXPECT_EQ(ApplyLegacy(R"({"t":{"Action":"ADD","Value":{"N":"1"}}})", item),
            V("Type mismatch for attribute to update"));
  EXPECT_EQ(ApplyLegacy(R"({"s":{"Action":"ADD","Value":{"NS":["1"]}}})", item),
            V("Type mismatch for attribute to update"));
  EXPECT_EQ(ApplyLegacy(R"({"a":{"Action":"DELETE","Value":{"SS":["1"]}}})", item),
            V("Type mismatch for attribute to update"));
  EXPECT_EQ(ApplyLegacy(R"({"p":{"Value":{"S":"other"}}})", item),
            V("One or more parameter values were invalid: Cannot update attribute p. This "
              "attribute is part of the key"));
}

TEST(LegacyUpdateTest, Validation) {
  auto error = [](const char* json) {
    return ErrorOf([&] { UpdateFromAttributeUpdates(*Json(json)); });
  };
  EXPECT_EQ(error(R"({"a":{"Action":"PUT"}})"),
            V("One or more parameter values were invalid: Only DELETE action is allowed when no "
              "attribute value is specified"));
  EXPECT_EQ(error(R"({"a":{}})"),
            V("One or more parameter values were invalid: Only DELETE action is allowed when no "
              "attribute value is specified"));
  EXPECT_EQ(error(R"({"a":{"Action":"DELETE","Value":{"S":"x"}}})"),
            V("One or more parameter values were invalid: DELETE action with value is not "
              "supported for the type S"));
  EXPECT_EQ(error(R"({"a":{"Action":"ADD","Value":{"BOOL":true}}})"),
            V("One or more parameter values were invalid: ADD action is not supported for the "
              "type BOOL"));
  EXPECT_EQ(error(R"({"a":{"Action":"MERGE","Value":{"S":"x"}}})"),
            V("1 validation error detected: Value 'MERGE' at 'attributeUpdates.a.member.action' "
              "failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, "
              "DELETE]"));
}

std::string ParamsError(std::string_view request, ParamSet set) {
  return ErrorOf([&] { CheckExpressionParams(*Json(request), set); });
}

TEST(ExpressionParamsTest, MixingIsRejected) {
  EXPECT_EQ(
      ParamsError(R"({"TableName":"t","ConditionExpression":"a = :v","Expected":{}})",
                  ParamSet::kPutItem),
      V("Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"));
  EXPECT_EQ(ParamsError(R"({"ScanFilter":{},"AttributesToGet":["a"],"ConditionalOperator":"OR",
                           "FilterExpression":"","ProjectionExpression":""})",
                        ParamSet::kScan),
            V("Can not use both expression and non-expression parameters in the same request: "
              "Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} "
              "Expression parameters: {ProjectionExpression, FilterExpression}"));
  EXPECT_EQ(ParamsError(R"({"UpdateExpression":"SET a = :v","AttributeUpdates":{}})",
                        ParamSet::kUpdateItem),
            V("Can not use both expression and non-expression parameters in the same request: "
              "Non-expression parameters: {AttributeUpdates} Expression parameters: "
              "{UpdateExpression}"));
  EXPECT_EQ(
      ParamsError(R"({"KeyConditionExpression":"p = :p","KeyConditions":{}})", ParamSet::kQuery),
      V("Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {KeyConditions} Expression parameters: "
        "{KeyConditionExpression}"));
  // KeyConditions combine with a FilterExpression.
  EXPECT_EQ(ParamsError(R"({"KeyConditions":{},"FilterExpression":"a = :v",
                           "ExpressionAttributeValues":{":v":{"N":"1"}}})",
                        ParamSet::kQuery),
            "no error");
}

TEST(ExpressionParamsTest, PlaceholdersNeedExpressions) {
  EXPECT_EQ(ParamsError(R"({"ExpressionAttributeNames":{"#a":"a"}})", ParamSet::kScan),
            V("ExpressionAttributeNames can only be specified when using expressions"));
  EXPECT_EQ(ParamsError(R"({"ExpressionAttributeValues":{":a":{"N":"1"}}})", ParamSet::kScan),
            V("ExpressionAttributeValues can only be specified when using expressions: "
              "FilterExpression is null"));
  EXPECT_EQ(
      ParamsError(R"({"ExpressionAttributeValues":{":a":{"N":"1"}},"ProjectionExpression":"a"})",
                  ParamSet::kQuery),
      V("ExpressionAttributeValues can only be specified when using expressions: "
        "FilterExpression and KeyConditionExpression are null"));
  EXPECT_EQ(ParamsError(R"({"ExpressionAttributeNames":{"#a":"a"},"ProjectionExpression":"#a"})",
                        ParamSet::kGetItem),
            "no error");
  EXPECT_EQ(ParamsError(
                R"({"ExpressionAttributeValues":{":a":{"N":"1"}},"UpdateExpression":"SET a = :a"})",
                ParamSet::kUpdateItem),
            "no error");
}

}  // namespace
}  // namespace tideline::expr
