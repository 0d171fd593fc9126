#pragma once
// The ValidationExceptions of PartiQL statements that the parser and the planner raise.

#include <string>
#include <string_view>

namespace tideline::partiql {

// "Statement wasn't well formed, can't be processed: <detail>" (AWS's envelope for a statement
// its parser refuses; details recorded on AWS include "Expected data manipulation",
// "Unexpected term", "Unexpected keyword", "Unexpected operator", "Unexpected token after
// expression", "Missing right-hand side expression of infix operator", "Expected identifier for
// simple path", "Expected type name"; an unreadable literal or comment has an empty detail).
[[noreturn]] void NotWellFormed(std::string_view detail);

// A plain ValidationException with `message`.
[[noreturn]] void Invalid(std::string message);

inline constexpr const char* kMissingKeyEquality =
    "Where clause does not contain a mandatory equality on all key attributes";

}  // namespace tideline::partiql
