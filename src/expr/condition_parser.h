#pragma once
// The ConditionExpression grammar (also used by FilterExpression and KeyConditionExpression):
//
//   condition   := or EOF
//   or          := and (OR and)*
//   and         := not (AND not)*
//   not         := NOT not | primary
//   primary     := '(' or ')' [tail]            -- a group, or a parenthesized operand + tail
//                | operand tail
//   tail        := comparator operand
//                | BETWEEN operand AND operand
//                | IN '(' operand (',' operand)* ')'
//                | <nothing, when the operand is a function call: a boolean function>
//   operand     := path | :value | name '(' operand (',' operand)* ')' | '(' operand ')'
//   path        := (identifier | #name) ('.' (identifier | #name) | '[' number ']')*
//   comparator  := = | <> | < | <= | > | >=
//
// Keywords (AND OR NOT BETWEEN IN) are case-insensitive; function names are case-sensitive.
// Precedence: comparisons/BETWEEN/IN bind tightest, then NOT, AND, OR. A parenthesized path
// may continue with .name or [n] ("(a.b).c"), as DynamoDB accepts it.

#include <memory>
#include <string_view>

#include "expr/ast.h"

namespace tideline::expr {

// Parses and statically checks `text`; `parameter` names the request member in error messages.
std::shared_ptr<Condition> ParseConditionText(std::string_view text, AttributeResolver& r,
                                              std::string_view parameter);

}  // namespace tideline::expr
