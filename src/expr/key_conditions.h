#pragma once
// What KeyConditionExpression and the legacy KeyConditions share once each is reduced to one
// condition per attribute: the checks against the key schema and the KeyCondition result.

#include <string>
#include <string_view>
#include <vector>

#include "expr/expressions.h"

namespace tideline::expr {

struct KeyConditionPart {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith, kNotIndexable };
  std::string name;
  Op op = Op::kEq;
  std::vector<model::AttributeValue> values;
};

// The conditions of a KeyConditionExpression or of legacy KeyConditions, one per attribute in
// request order, after the structural checks and before any check against a key schema.
std::vector<KeyConditionPart> KeyConditionParts(std::string_view text, AttributeResolver& r);
std::vector<KeyConditionPart> KeyConditionPartsFromLegacy(const json::Value& key_conditions);

// The range operator of a part's (kNone for kNotIndexable).
KeyCondition::RangeOp RangeOpOf(KeyConditionPart::Op op);

// Checks `parts` (one per attribute, in request order) against `schema` with DynamoDB's messages
// and builds the result. The caller has already checked that there are 1 or 2 parts.
KeyCondition ResolveKeyConditions(const std::vector<KeyConditionPart>& parts,
                                  const model::KeySchema& schema);

}  // namespace tideline::expr
