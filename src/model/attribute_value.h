#pragma once
// AttributeValue: one DynamoDB value (S N B BOOL NULL L M SS NS BS) and Item, a top-level map.
//
// Invariants of a value built by FromJson: numbers are canonical Decimal text, binaries hold
// raw bytes (base64 only on the wire), sets are non-empty and free of duplicates, S/B inside
// are allowed empty (DynamoDB permits empty non-key strings), nesting depth <= 32.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/key_schema.h"
#include "json/json.h"

namespace tideline::model {

// The attribute types and their descriptors ("S", "N", ..., "NULL", "BS") are shared with
// storage/ (common/key_schema.h).
using common::AvType;
using common::AvTypeFromName;
using common::AvTypeName;

struct AttributeValue;
using AttributeMap = std::map<std::string, AttributeValue, std::less<>>;
using Item = AttributeMap;

struct AttributeValue {
  AvType type = AvType::kNull;
  bool boolean = false;              // BOOL (and NULL's `true`)
  std::string scalar;                // S (UTF-8), N (canonical decimal text), B (raw bytes)
  std::vector<std::string> set;      // SS, NS (canonical), BS (raw bytes)
  std::vector<AttributeValue> list;  // L
  AttributeMap map;                  // M

  static AttributeValue String(std::string s);
  static AttributeValue Number(std::string canonical);
  static AttributeValue Binary(std::string bytes);
  static AttributeValue Bool(bool b);
  static AttributeValue Null();

  bool is_set() const { return type == AvType::kSS || type == AvType::kNS || type == AvType::kBS; }
  // Deep equality with DynamoDB semantics: numbers compare numerically, sets ignore order.
  bool operator==(const AttributeValue& o) const;
  bool operator!=(const AttributeValue& o) const { return !(*this == o); }
};

// Parses one wire AttributeValue ({"S":"x"} etc.). Throws ApiError: SerializationException for
// JSON of the wrong shape, ValidationException with DynamoDB's messages for rule violations
// (empty set, duplicates, bad number, more than one type, empty value, nesting > 32).
// `depth` is the number of L/M levels enclosing `v` (0 for an item attribute or an expression
// attribute value); an L or M at depth >= 32 fails with "Nesting Levels have exceeded...".
// Shape errors of the whole value win over rule violations, as in DynamoDB.
AttributeValue AttributeValueFromJson(const json::Value& v, int depth = 0);
// The rules on an item attribute's name (1..65535 bytes), for names given outside an item
// (AttributeUpdates, AttributesToGet): throws ValidationException.
void CheckAttributeName(std::string_view name);
// Parses an item map {"name": AttributeValue, ...}; names are checked as CheckAttributeName
// does (keys of nested maps may be empty).
Item ItemFromJson(const json::Value& v);

// Writes wire JSON ({"S":"x"}, binaries as base64).
void WriteAttributeValue(json::Writer& w, const AttributeValue& v);
void WriteItem(json::Writer& w, const Item& item);
std::string ItemToJson(const Item& item);

// DynamoDB's size accounting (attribute names + values) used for the 400 KB item limit,
// TableSizeBytes and the 1 MB page limits.
size_t AttributeValueSize(const AttributeValue& v);
size_t ItemSize(const Item& item);
constexpr size_t kMaxItemSize = 400 * 1024;

}  // namespace tideline::model
