// Primary-key encoding (grammar in key_codec.h) and DynamoDB's key validation messages.
//
// PartitionHash (on-disk format, never change it):
//   h = FNV-1a-64(encoded_hash_part)   offset 0xcbf29ce484222325, prime 0x100000001b3
//   h = fmix64(h)                      MurmurHash3's 64-bit finalizer (avalanche)
//   hash = h >> 32
// FNV-1a alone distributes short, similar keys poorly in its high bits; the finalizer fixes that.

#include "model/key_codec.h"

#include "common/api_error.h"
#include "model/decimal.h"

namespace tideline::model {
namespace {

constexpr char kSchemaMismatch[] = "The provided key element does not match the schema";
constexpr size_t kMaxHashKeyBytes = 2048;
constexpr size_t kMaxRangeKeyBytes = 1024;

void AppendEscaped(std::string_view bytes, std::string* out) {
  out->reserve(out->size() + bytes.size() + 2);
  size_t start = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\0') {
      out->append(bytes.data() + start, i - start + 1);
      out->push_back('\xff');
      start = i + 1;
    }
  }
  out->append(bytes.data() + start, bytes.size() - start);
  out->push_back('\0');
  out->push_back('\x01');
}

void AppendBigEndian32(uint32_t v, std::string* out) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

// Validates one key attribute of an item (PutItem path) and returns it.
const AttributeValue& CheckItemKey(const Item& item, const std::string& name) {
  auto it = item.find(name);
  if (it == item.end()) {
    throw ApiError::Validation("One or more parameter values were invalid: Missing the key " +
                               name + " in the item");
  }
  return it->second;
}

// Type, emptiness and size checks shared by items and key maps.
void CheckKeyValue(const std::string& name, const AttributeValue& v, AvType want, bool is_hash,
                   bool key_map) {
  if (v.type != want) {
    if (key_map) throw ApiError::Validation(kSchemaMismatch);
    throw ApiError::Validation(
        std::string("One or more parameter values were invalid: Type mismatch for key ") + name +
        " expected: " + AvTypeName(want) + " actual: " + AvTypeName(v.type));
  }
  if (v.scalar.empty() && want != AvType::kN) {
    throw ApiError::Validation(
        std::string("One or more parameter values are not valid. The AttributeValue for a key "
                    "attribute cannot contain an empty ") +
        (want == AvType::kS ? "string" : "binary") + " value. Key: " + name);
  }
  const size_t size = AttributeValueSize(v);
  if (is_hash && size > kMaxHashKeyBytes) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
        "limit of2048 bytes");
  }
  if (!is_hash && size > kMaxRangeKeyBytes) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Aggregated size of all range keys has "
        "exceeded the size limit of 1024 bytes");
  }
}

}  // namespace

void AppendKeyPart(const AttributeValue& v, std::string* out) {
  if (v.type == AvType::kN) {
    // Stored numbers are canonical, so parsing cannot fail; a default (zero) is never reached.
    auto d = Decimal::Parse(v.scalar, nullptr);
    d.value_or(Decimal()).AppendKeyEncoding(out);
    return;
  }
  AppendEscaped(v.scalar, out);
}

uint32_t PartitionHash(std::string_view encoded_hash_part) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : encoded_hash_part) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return static_cast<uint32_t>(h >> 32);
}

std::string EncodePartitionPrefix(const AttributeValue& hash_value) {
  std::string out(4, '\0');
  AppendKeyPart(hash_value, &out);
  const uint32_t h = PartitionHash(std::string_view(out).substr(4));
  std::string be;
  AppendBigEndian32(h, &be);
  out.replace(0, 4, be);
  return out;
}

std::string EncodePrimaryKey(const KeySchema& schema, const AttributeValue& hash_value,
                             const AttributeValue* range_value) {
  std::string out = EncodePartitionPrefix(hash_value);
  if (schema.has_range() && range_value != nullptr) AppendKeyPart(*range_value, &out);
  return out;
}

std::string KeyOfItem(const KeySchema& schema, const Item& item) {
  const AttributeValue& hash = CheckItemKey(item, schema.hash_name);
  const AttributeValue* range = nullptr;
  if (schema.has_range()) range = &CheckItemKey(item, schema.range_name);
  CheckKeyValue(schema.hash_name, hash, schema.hash_type, true, false);
  if (range) CheckKeyValue(schema.range_name, *range, schema.range_type, false, false);
  return EncodePrimaryKey(schema, hash, range);
}

std::string KeyOfKeyMap(const KeySchema& schema, const Item& key) {
  const size_t expected = schema.has_range() ? 2 : 1;
  auto hash_it = key.find(schema.hash_name);
  if (key.size() != expected || hash_it == key.end()) {
    throw ApiError::Validation(kSchemaMismatch);
  }
  const AttributeValue* range = nullptr;
  if (schema.has_range()) {
    auto range_it = key.find(schema.range_name);
    if (range_it == key.end()) throw ApiError::Validation(kSchemaMismatch);
    range = &range_it->second;
  }
  // Wrong types anywhere are a schema mismatch before any emptiness complaint.
  if (hash_it->second.type != schema.hash_type || (range && range->type != schema.range_type)) {
    throw ApiError::Validation(kSchemaMismatch);
  }
  CheckKeyValue(schema.hash_name, hash_it->second, schema.hash_type, true, true);
  if (range) CheckKeyValue(schema.range_name, *range, schema.range_type, false, true);
  return EncodePrimaryKey(schema, hash_it->second, range);
}

Item KeyAttributes(const KeySchema& schema, const Item& item) {
  Item out;
  auto it = item.find(schema.hash_name);
  if (it != item.end()) out.emplace(it->first, it->second);
  if (schema.has_range()) {
    it = item.find(schema.range_name);
    if (it != item.end()) out.emplace(it->first, it->second);
  }
  return out;
}

namespace {
std::string HashBound(uint64_t h) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((h >> (24 - 8 * i)) & 0xff);
  return s;
}
}  // namespace

void PartitionSliceBounds(uint64_t index, uint64_t count, std::string* lower, std::string* upper) {
  const uint64_t space = 1ull << 32;
  *lower = index == 0 ? "" : HashBound(space * index / count);
  *upper = index + 1 >= count ? "" : HashBound(space * (index + 1) / count);
}

}  // namespace tideline::model
