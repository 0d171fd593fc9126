#include "api/expression_params.h"

#include "api/request.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {

constexpr std::string_view kExpressionMembers[] = {
    "ConditionExpression", "FilterExpression", "ProjectionExpression", "UpdateExpression",
    "KeyConditionExpression"};

bool UsesExpressions(const json::Value& req) {
  for (std::string_view m : kExpressionMembers) {
    if (json::Find(req, m)) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<expr::AttributeResolver> ResolverFor(const json::Value& req) {
  const json::Value* names = OptObject(req, "ExpressionAttributeNames");
  const json::Value* values = OptObject(req, "ExpressionAttributeValues");
  if ((names || values) && !UsesExpressions(req)) {
    throw ApiError::Validation(
        names ? "ExpressionAttributeNames can only be specified when using expressions"
              : "ExpressionAttributeValues can only be specified when using expressions");
  }
  return std::make_unique<expr::AttributeResolver>(names, values);
}

std::shared_ptr<const expr::Condition> ReadCondition(const json::Value& req,
                                                     expr::AttributeResolver& resolver) {
  auto text = OptString(req, "ConditionExpression");
  if (!text) return nullptr;
  return expr::ParseCondition(*text, resolver, "ConditionExpression");
}

std::shared_ptr<const expr::Condition> ReadFilter(const json::Value& req,
                                                  expr::AttributeResolver& resolver,
                                                  std::string_view legacy_name) {
  auto text = OptString(req, "FilterExpression");
  if (!text) return nullptr;
  return expr::ParseCondition(*text, resolver, "FilterExpression");
}

std::shared_ptr<const expr::Projection> ReadProjection(const json::Value& req,
                                                       expr::AttributeResolver& resolver) {
  auto text = OptString(req, "ProjectionExpression");
  if (!text) return nullptr;
  return expr::ParseProjection(*text, resolver);
}

std::shared_ptr<const expr::UpdatePlan> ReadUpdate(const json::Value& req,
                                                   expr::AttributeResolver& resolver) {
  auto text = OptString(req, "UpdateExpression");
  if (!text) return nullptr;
  return expr::ParseUpdate(*text, resolver);
}

expr::KeyCondition ReadKeyCondition(const json::Value& req, expr::AttributeResolver& resolver,
                                    const model::KeySchema& schema) {
  auto text = OptString(req, "KeyConditionExpression");
  if (!text) {
    throw ApiError::Validation(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.");
  }
  return expr::ParseKeyCondition(*text, resolver, schema);
}

}  // namespace tideline::api
