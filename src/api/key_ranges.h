#pragma once
// The [lower, upper) range of encoded keys that a Query's key condition selects, for a table's
// user keys and for an index's keys alike (model/key_codec.h, model/index_key.h).

#include <string>

#include "expr/expressions.h"

namespace tideline::api {

struct KeyRange {
  std::string lower;
  std::string upper;  // "" = no bound
};

// How the keys inside a range end. A table's user key ends where its encoded key does, so "just
// past key k" is storage::KeyAfter(k) (past every version of k). An index's keys may extend the
// encoded condition (more RANGE attributes, ties ordered by the table key), so "just past" is
// PrefixEnd(k), past everything that starts with k.
enum class KeyEnds { kExact, kExtended };

// `prefix`: the encoded partition plus the equality prefix of RANGE attributes; `op`, `value1`,
// `value2`: the condition on the next RANGE attribute, whose type is `type`. Throws DynamoDB's
// ValidationExceptions for a BETWEEN with bounds out of order and begins_with on a number.
KeyRange KeyRangeOf(const std::string& prefix, expr::KeyCondition::RangeOp op,
                    const model::AttributeValue& value1, const model::AttributeValue& value2,
                    model::AvType type, KeyEnds ends);

// Upper bound for "every key starting with prefix" ("" when there is none).
std::string PrefixEnd(std::string prefix);

}  // namespace tideline::api
