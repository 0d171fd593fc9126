#pragma once
// The DynamoDB attribute types and a table's primary-key schema. They live below model/ and
// storage/ because both need them and neither may include the other: model/ encodes and
// validates keys against a schema, storage/ persists the schema in the catalog (TableMeta).
// model/ re-exports them as model::AvType and model::KeySchema.

#include <cstdint>
#include <string>
#include <string_view>

namespace tideline::common {

enum class AvType : uint8_t { kS, kN, kB, kBool, kNull, kL, kM, kSS, kNS, kBS };

// The DynamoDB type descriptor: "S", "N", ..., "NULL", "BS".
const char* AvTypeName(AvType t);
// Parses a descriptor; false when unknown.
bool AvTypeFromName(std::string_view name, AvType* t);

struct KeySchema {
  std::string hash_name;
  AvType hash_type = AvType::kS;
  std::string range_name;  // empty when the table has no sort key
  AvType range_type = AvType::kS;
  bool has_range() const { return !range_name.empty(); }
};

}  // namespace tideline::common
