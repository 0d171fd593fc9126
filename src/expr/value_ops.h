#pragma once
// DynamoDB's value semantics used by conditions, key conditions and updates: ordering of
// N/S/B, contains(), begins_with(), size(), and document-path lookup. Numbers are compared with
// model::Decimal, never as doubles; strings and binaries by unsigned bytes (UTF-8 byte order is
// code point order).

#include <cstddef>
#include <string>

#include "expr/ast.h"
#include "model/attribute_value.h"

namespace tideline::expr {

// N, S and B are the only types with an order.
inline bool IsOrderedType(model::AvType t) {
  return t == model::AvType::kN || t == model::AvType::kS || t == model::AvType::kB;
}

// <0, 0 or >0. Both values must have the same ordered type.
int CompareScalars(const model::AttributeValue& a, const model::AttributeValue& b);

// contains(container, element): substring for S/S and B/B, membership for a set and an element
// of its element type, and for a list and any value. False otherwise.
bool Contains(const model::AttributeValue& container, const model::AttributeValue& element);

// begins_with: S with an S prefix or B with a B prefix; false otherwise.
bool BeginsWith(const model::AttributeValue& value, const model::AttributeValue& prefix);

// size(): bytes of S (UTF-8) and B, elements of sets, L and M. False for N, BOOL, NULL.
bool SizeOf(const model::AttributeValue& value, size_t* size);

// "{N:1}", "{S:abc}": DynamoDB's rendering of a constant in error messages.
std::string DescribeValue(const model::AttributeValue& value);

// The value at `path` in `item`, or nullptr when the item (may be null) has no such path.
const model::AttributeValue* FindPath(const model::Item* item, const Path& path);
// The value at the first `length` elements of `path`, or nullptr.
const model::AttributeValue* FindPathPrefix(const model::Item* item, const Path& path,
                                            size_t length);

}  // namespace tideline::expr
