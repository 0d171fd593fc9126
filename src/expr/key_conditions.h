#pragma once
// What KeyConditionExpression and the legacy KeyConditions share once each is reduced to one
// condition per attribute: the checks against the key schema and the KeyCondition result.

#include <string>
#include <vector>

#include "expr/expressions.h"

namespace tideline::expr {

struct KeyConditionPart {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith, kNotIndexable };
  std::string name;
  Op op = Op::kEq;
  std::vector<model::AttributeValue> values;
};

// Checks `parts` (one per attribute, in request order) against `schema` with DynamoDB's messages
// and builds the result. The caller has already checked that there are 1 or 2 parts.
KeyCondition ResolveKeyConditions(const std::vector<KeyConditionPart>& parts,
                                  const model::KeySchema& schema);

}  // namespace tideline::expr
