#pragma once
// The expression parameters of a request and their legacy equivalents, read into the parsed
// forms of src/expr/: one place decides which of the two a request uses and rejects mixes.

#include <memory>
#include <string_view>

#include "expr/expressions.h"
#include "json/json.h"

namespace tideline::api {

// Checks how the request mixes expression and legacy parameters (DynamoDB's checks, made
// before any expression is parsed) and builds the request's resolver.
std::unique_ptr<expr::AttributeResolver> ResolverFor(const json::Value& req, expr::ParamSet params);

// ConditionExpression, or Expected (+ ConditionalOperator); nullptr when neither.
std::shared_ptr<const expr::Condition> ReadCondition(const json::Value& req,
                                                     expr::AttributeResolver& resolver);
// FilterExpression, or `legacy_name` (QueryFilter / ScanFilter) + ConditionalOperator.
std::shared_ptr<const expr::Condition> ReadFilter(const json::Value& req,
                                                  expr::AttributeResolver& resolver,
                                                  std::string_view legacy_name);
// ProjectionExpression, or AttributesToGet (at least one name); nullptr when neither (all
// attributes). `batch_table`: the table whose RequestItems entry of BatchGetItem `req` is.
std::shared_ptr<const expr::Projection> ReadProjection(const json::Value& req,
                                                       expr::AttributeResolver& resolver,
                                                       std::string_view batch_table = {});
// UpdateExpression, or AttributeUpdates; nullptr when neither.
std::shared_ptr<const expr::UpdatePlan> ReadUpdate(const json::Value& req,
                                                   expr::AttributeResolver& resolver);
// KeyConditionExpression, or KeyConditions; throws when neither.
expr::KeyCondition ReadKeyCondition(const json::Value& req, expr::AttributeResolver& resolver,
                                    const model::KeySchema& schema);
// The same against a secondary index's key schema (multi-attribute GSI keys included).
expr::CompositeKeyCondition ReadIndexKeyCondition(const json::Value& req,
                                                  expr::AttributeResolver& resolver,
                                                  const model::IndexKeySchema& schema);

}  // namespace tideline::api
