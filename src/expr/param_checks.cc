// CheckExpressionParams: the request-level rules on mixing expression and legacy parameters.
// The member lists and their order are the ones DynamoDB prints (dynalite's validations for
// each operation; DAX's RequestValidator agrees on the order).

#include <string>
#include <vector>

#include "common/api_error.h"
#include "expr/expressions.h"

namespace tideline::expr {

namespace {

struct Members {
  std::vector<std::string_view> expressions;
  std::vector<std::string_view> legacy;
};

Members MembersOf(ParamSet set) {
  switch (set) {
    case ParamSet::kGetItem:
    case ParamSet::kBatchGetItemTable:
      return {{"ProjectionExpression"}, {"AttributesToGet"}};
    case ParamSet::kPutItem:
    case ParamSet::kDeleteItem:
      return {{"ConditionExpression"}, {"Expected", "ConditionalOperator"}};
    case ParamSet::kUpdateItem:
      return {{"UpdateExpression", "ConditionExpression"},
              {"AttributeUpdates", "Expected", "ConditionalOperator"}};
    case ParamSet::kQuery:
      return {{"ProjectionExpression", "FilterExpression", "KeyConditionExpression"},
              {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"}};
    case ParamSet::kScan:
      return {{"ProjectionExpression", "FilterExpression"},
              {"AttributesToGet", "ScanFilter", "ConditionalOperator"}};
  }
  return {};
}

std::string Join(const std::vector<std::string_view>& names, const char* sep) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += sep;
    out += names[i];
  }
  return out;
}

}  // namespace

void CheckExpressionParams(const json::Value& request, ParamSet set) {
  Members m = MembersOf(set);
  std::vector<std::string_view> used_expressions;
  for (std::string_view e : m.expressions) {
    if (json::Find(request, e)) used_expressions.push_back(e);
  }
  if (!used_expressions.empty()) {
    // Query may combine KeyConditions with FilterExpression/ProjectionExpression; only
    // KeyConditions with KeyConditionExpression is a mix.
    const bool keep_key_conditions = json::Find(request, "KeyConditionExpression") != nullptr;
    std::vector<std::string_view> used_legacy;
    for (std::string_view l : m.legacy) {
      if (l == "KeyConditions" && !keep_key_conditions) continue;
      if (json::Find(request, l)) used_legacy.push_back(l);
    }
    if (!used_legacy.empty()) {
      throw ApiError::Validation(
          "Can not use both expression and non-expression parameters in the same request: "
          "Non-expression parameters: {" +
          Join(used_legacy, ", ") + "} Expression parameters: {" + Join(used_expressions, ", ") +
          "}");
    }
  }
  if (json::Find(request, "ExpressionAttributeNames") && used_expressions.empty()) {
    throw ApiError::Validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  std::vector<std::string_view> value_expressions;
  for (std::string_view e : m.expressions) {
    if (e != "ProjectionExpression") value_expressions.push_back(e);
  }
  if (value_expressions.empty() || !json::Find(request, "ExpressionAttributeValues")) return;
  for (std::string_view e : value_expressions) {
    if (json::Find(request, e)) return;
  }
  throw ApiError::Validation(
      "ExpressionAttributeValues can only be specified when using expressions: " +
      Join(value_expressions, " and ") + (value_expressions.size() > 1 ? " are" : " is") + " null");
}

}  // namespace tideline::expr
