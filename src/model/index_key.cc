// Secondary-index keys (grammar in index_key.h) and DynamoDB's index-key validation messages.

#include "model/index_key.h"

#include "common/api_error.h"

namespace tideline::model {
namespace {

// The same limits as table keys (spec/indexes.md §3.3). Whether AWS applies them per attribute
// or to a multi-attribute tuple is unknown; per attribute here.
constexpr size_t kMaxHashKeyBytes = 2048;
constexpr size_t kMaxRangeKeyBytes = 1024;

// Checks one present key attribute; false with *error set when it violates the index's rules.
bool CheckIndexKeyValue(const KeyAttribute& attr, const AttributeValue& v, bool is_hash,
                        std::string_view index_name, std::string* error) {
  if (v.type != attr.type) {
    *error =
        std::string("One or more parameter values were invalid: Type mismatch for Index Key ") +
        attr.name + " Expected: " + AvTypeName(attr.type) + " Actual: " + AvTypeName(v.type) +
        " IndexName: " + std::string(index_name);
    return false;
  }
  if (v.scalar.empty() && attr.type != AvType::kN) {
    *error = std::string(
                 "One or more parameter values are not valid. A value specified for a secondary "
                 "index key is not supported. The AttributeValue for a key attribute cannot "
                 "contain an empty ") +
             (attr.type == AvType::kS ? "string" : "binary") +
             " value. IndexName: " + std::string(index_name) + ", IndexKey: " + attr.name;
    return false;
  }
  const size_t size = AttributeValueSize(v);
  if (is_hash && size > kMaxHashKeyBytes) {
    // AWS's text for index keys is unknown: the table-key text (typo included) stands in.
    *error =
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
        "limit of2048 bytes";
    return false;
  }
  if (!is_hash && size > kMaxRangeKeyBytes) {
    *error =
        "One or more parameter values were invalid: Aggregated size of all range keys has "
        "exceeded the size limit of 1024 bytes";
    return false;
  }
  return true;
}

void AppendBigEndian32(uint32_t v, std::string* out) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

// Writes the partition hash of the hash parts that follow the 4 reserved bytes of *out.
void FillPartitionHash(size_t hash_parts_end, std::string* out) {
  const uint32_t h = PartitionHash(std::string_view(*out).substr(4, hash_parts_end - 4));
  std::string be;
  AppendBigEndian32(h, &be);
  out->replace(0, 4, be);
}

}  // namespace

IndexKeyVerdict ComputeIndexKey(const IndexKeySchema& schema, const Item& item,
                                std::string_view index_name, std::string* key, std::string* error) {
  std::string ignored;
  std::string* message = error ? error : &ignored;
  bool absent = false;
  std::vector<const AttributeValue*> values;
  values.reserve(schema.hash.size() + schema.range.size());
  for (size_t i = 0; i < schema.hash.size() + schema.range.size(); ++i) {
    const bool is_hash = i < schema.hash.size();
    const KeyAttribute& attr = is_hash ? schema.hash[i] : schema.range[i - schema.hash.size()];
    auto it = item.find(attr.name);
    if (it == item.end()) {
      absent = true;
      values.push_back(nullptr);
      continue;
    }
    if (!CheckIndexKeyValue(attr, it->second, is_hash, index_name, message)) {
      return IndexKeyVerdict::kInvalid;
    }
    values.push_back(&it->second);
  }
  if (absent) return IndexKeyVerdict::kAbsent;
  key->assign(4, '\0');
  for (size_t i = 0; i < schema.hash.size(); ++i) AppendKeyPart(*values[i], key);
  FillPartitionHash(key->size(), key);
  for (size_t i = schema.hash.size(); i < values.size(); ++i) AppendKeyPart(*values[i], key);
  return IndexKeyVerdict::kKey;
}

std::optional<std::string> IndexKeyOfItem(const IndexKeySchema& schema, const Item& item,
                                          std::string_view index_name) {
  std::string key;
  std::string error;
  switch (ComputeIndexKey(schema, item, index_name, &key, &error)) {
    case IndexKeyVerdict::kKey:
      return key;
    case IndexKeyVerdict::kAbsent:
      return std::nullopt;
    case IndexKeyVerdict::kInvalid:
      break;
  }
  throw ApiError::Validation(error);
}

std::string EncodeIndexPartitionPrefix(const IndexKeySchema& schema,
                                       const std::vector<AttributeValue>& hash_values) {
  std::string out(4, '\0');
  for (size_t i = 0; i < schema.hash.size() && i < hash_values.size(); ++i) {
    AppendKeyPart(hash_values[i], &out);
  }
  FillPartitionHash(out.size(), &out);
  return out;
}

Item ProjectItem(const Item& item, const KeySchema& table_key, const IndexKeySchema& index_key,
                 IndexProjection projection, const std::vector<std::string>& non_key_attributes) {
  if (projection == IndexProjection::kAll) return item;
  Item out;
  auto take = [&](const std::string& name) {
    auto it = item.find(name);
    if (it != item.end()) out.emplace(it->first, it->second);
  };
  take(table_key.hash_name);
  if (table_key.has_range()) take(table_key.range_name);
  for (const auto& a : index_key.hash) take(a.name);
  for (const auto& a : index_key.range) take(a.name);
  if (projection == IndexProjection::kInclude) {
    for (const auto& name : non_key_attributes) take(name);
  }
  return out;
}

}  // namespace tideline::model
