#include "api/expression_params.h"

#include "api/request.h"
#include "common/api_error.h"

namespace tideline::api {

std::unique_ptr<expr::AttributeResolver> ResolverFor(const json::Value& req,
                                                     expr::ParamSet params) {
  expr::CheckExpressionParams(req, params);
  return std::make_unique<expr::AttributeResolver>(OptObject(req, "ExpressionAttributeNames"),
                                                   OptObject(req, "ExpressionAttributeValues"));
}

std::shared_ptr<const expr::Condition> ReadCondition(const json::Value& req,
                                                     expr::AttributeResolver& resolver) {
  if (auto text = OptString(req, "ConditionExpression")) {
    return expr::ParseCondition(*text, resolver, "ConditionExpression");
  }
  return expr::ConditionFromExpected(OptObject(req, "Expected"),
                                     json::Find(req, "ConditionalOperator"));
}

std::shared_ptr<const expr::Condition> ReadFilter(const json::Value& req,
                                                  expr::AttributeResolver& resolver,
                                                  std::string_view legacy_name) {
  if (auto text = OptString(req, "FilterExpression")) {
    return expr::ParseCondition(*text, resolver, "FilterExpression");
  }
  return expr::ConditionFromFilter(OptObject(req, legacy_name),
                                   json::Find(req, "ConditionalOperator"), legacy_name);
}

std::shared_ptr<const expr::Projection> ReadProjection(const json::Value& req,
                                                       expr::AttributeResolver& resolver,
                                                       std::string_view batch_table) {
  if (auto text = OptString(req, "ProjectionExpression")) {
    return expr::ParseProjection(*text, resolver);
  }
  if (const json::Value* names = OptArray(req, "AttributesToGet")) {
    // An empty list would select nothing; the service model requires at least one name.
    if (names->Size() == 0) {
      ValidationErrors errors;
      if (batch_table.empty()) {
        errors.Add("'[]'", "attributesToGet", "Member must have length greater than or equal to 1");
      } else {
        // BatchGetItem's members of RequestItems are reported in the newer form (as its Keys
        // are); the exact path AWS prints here is not recorded.
        errors.AddWithoutValue(
            "RequestItems." + std::string(batch_table) + ".member.AttributesToGet",
            "Member must have length greater than or equal to 1");
      }
      errors.ThrowIfAny();
    }
    return expr::ProjectionFromAttributesToGet(*names);
  }
  return nullptr;
}

std::shared_ptr<const expr::UpdatePlan> ReadUpdate(const json::Value& req,
                                                   expr::AttributeResolver& resolver) {
  if (auto text = OptString(req, "UpdateExpression")) return expr::ParseUpdate(*text, resolver);
  if (const json::Value* updates = OptObject(req, "AttributeUpdates")) {
    return expr::UpdateFromAttributeUpdates(*updates);
  }
  return nullptr;
}

namespace {

// KeyConditionExpression through `parse`, or KeyConditions through `legacy`.
template <typename Parse, typename Legacy>
auto ReadKeyConditionWith(const json::Value& req, Parse parse, Legacy legacy) {
  if (auto text = OptString(req, "KeyConditionExpression")) return parse(*text);
  if (const json::Value* conditions = OptObject(req, "KeyConditions")) return legacy(*conditions);
  throw ApiError::Validation(
      "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
      "request.");
}

}  // namespace

expr::KeyCondition ReadKeyCondition(const json::Value& req, expr::AttributeResolver& resolver,
                                    const model::KeySchema& schema) {
  return ReadKeyConditionWith(
      req, [&](std::string_view text) { return expr::ParseKeyCondition(text, resolver, schema); },
      [&](const json::Value& legacy) { return expr::KeyConditionFromLegacy(legacy, schema); });
}

expr::CompositeKeyCondition ReadIndexKeyCondition(const json::Value& req,
                                                  expr::AttributeResolver& resolver,
                                                  const model::IndexKeySchema& schema) {
  return ReadKeyConditionWith(
      req,
      [&](std::string_view text) { return expr::ParseIndexKeyCondition(text, resolver, schema); },
      [&](const json::Value& legacy) { return expr::IndexKeyConditionFromLegacy(legacy, schema); });
}

}  // namespace tideline::api
