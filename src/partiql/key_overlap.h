#pragma once
// DynamoDB reads a SELECT whose WHERE pins the partition key in every OR branch as one keyed
// read per branch, and refuses the statement when two branches would read overlapping keys:
// "Overlapping conditions with range keys are not supported in where clause" (recorded on AWS
// for `pk = 'a' AND x = '1' OR pk = 'a' AND sk = '2'`, also with `x <> '1'`; a user report has it
// for a partition key repeated in an IN list). A branch whose sort-key condition is negated or
// `<>` makes AWS run the statement as written (recorded), so no check applies then.

#include <string>

#include "expr/expressions.h"

namespace tideline::partiql {

// Throws that ValidationException when `where`, read against the key (`range_name` empty: no
// sort key), decomposes into keyed reads of which two overlap.
void CheckKeyReadsDoNotOverlap(const expr::Condition* where, const std::string& hash_name,
                               const std::string& range_name);

}  // namespace tideline::partiql
