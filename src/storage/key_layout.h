#pragma once
// The RocksDB key space (one column family). Grammar:
//   'c' table_name                         -> TableMeta JSON            (catalog)
//   'n'                                    -> u64be next table id
//   's' table_id:u64be                     -> item_count:i64be size_bytes:i64be
//   'i' table_id:u64be user_key ~ts:u64be  -> item version               (see below)
//   'm' key                                -> opaque value of another module (PutMeta)
//   'k'                                    -> u64be newest commit ts at clean shutdown
//   'x'                                    -> present only after a clean shutdown
// item version := 'P' varint32(item_size) item_json   |   'D'   (a deletion)
// ~ts is the bitwise complement of the commit timestamp, so the versions of one user key sort
// newest first and "the newest version <= T" is one Seek to user_key + ~T.

#include <cstdint>
#include <string>
#include <string_view>

namespace tideline::storage::layout {

constexpr char kCatalog = 'c';
constexpr char kNextTableId = 'n';
constexpr char kStats = 's';
constexpr char kItem = 'i';
constexpr char kMeta = 'm';
constexpr char kClock = 'k';
constexpr char kCleanShutdown = 'x';
constexpr size_t kTsSize = 8;
constexpr size_t kTablePrefixSize = 9;

inline void PutU64BE(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
inline uint64_t GetU64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

inline std::string TablePrefix(uint64_t table_id) {
  std::string k;
  k.reserve(32);
  k.push_back(kItem);
  PutU64BE(&k, table_id);
  return k;
}
// The first key past every item key of the table.
inline std::string TableEnd(uint64_t table_id) { return TablePrefix(table_id + 1); }

inline std::string ItemKey(uint64_t table_id, std::string_view user_key, uint64_t ts) {
  std::string k = TablePrefix(table_id);
  k.append(user_key);
  PutU64BE(&k, ~ts);
  return k;
}
inline std::string StatsKey(uint64_t table_id) {
  std::string k(1, kStats);
  PutU64BE(&k, table_id);
  return k;
}
inline std::string CatalogKey(std::string_view name) {
  std::string k(1, kCatalog);
  k.append(name);
  return k;
}

constexpr char kPutVersion = 'P';
constexpr char kDeleteVersion = 'D';

// Parses an item version value; false for a deletion or a corrupt value.
inline bool ParseVersion(std::string_view value, std::string_view* item_json, size_t* item_size) {
  if (value.empty() || value[0] != kPutVersion) return false;
  uint32_t size = 0;
  int shift = 0;
  size_t i = 1;
  for (; i < value.size() && i < 6; ++i) {
    uint8_t b = static_cast<uint8_t>(value[i]);
    size |= static_cast<uint32_t>(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      ++i;
      break;
    }
  }
  *item_size = size;
  *item_json = value.substr(i);
  return true;
}
inline std::string EncodePutVersion(std::string_view item_json, size_t item_size) {
  std::string v;
  v.reserve(item_json.size() + 6);
  v.push_back(kPutVersion);
  uint32_t s = static_cast<uint32_t>(item_size);
  while (s >= 0x80) {
    v.push_back(static_cast<char>((s & 0x7f) | 0x80));
    s >>= 7;
  }
  v.push_back(static_cast<char>(s));
  v.append(item_json);
  return v;
}

}  // namespace tideline::storage::layout
