#pragma once
// The RocksDB key space (one column family). Grammar:
//   'c' table_name                         -> TableMeta JSON            (catalog)
//   'n'                                    -> u64be next table id
//   's' table_id:u64be                     -> item_count:i64be size_bytes:i64be
//   'i' table_id:u64be user_key 0:u64be    -> commit_ts:u64be version    (the latest slot)
//   'i' table_id:u64be user_key ~ts:u64be  -> superseded_ts:u64be version (a history entry)
//   'j' table_id:u64be index_id:u32be index_key user_key
//                                          -> commit_ts:u64be index_key_size:u32be version
//                                             (a secondary index entry; docs/storage.md "Indexes")
//   't' table_id:u64be index_id:u32be      -> entry_count:i64be size_bytes:i64be (index stats)
//   'b' table_id:u64be index_id:u32be user_key
//                                          -> run:u64be index_key (an item a commit changed while
//                                             the index was CREATING: the key of the entry of
//                                             its version a backfill may have ingested)
//   'b' table_id:u64be index_id:u32be      -> (obsolete: a backfill's progress, only deleted)
//   'd' table_name "/stream/" label        -> stream descriptor JSON (stream_records.h)
//   'e' table_id:u64be ts:u64be op:u32be   -> a stream record: the change op `op` of the commit
//                                             at ts made (stream_records.h; docs/storage.md)
//   'm' key                                -> opaque value of another module (PutMeta)
//   'p' snapshot_name                      -> a durable snapshot (snapshots.cc: table id, ts,
//                                             statistics, TableMeta JSON, the caller's payload)
//   'r' table_id:u64be                     -> "" : a deleted table whose items a snapshot keeps
//   'k'                                    -> u64be newest commit ts at clean shutdown
//   'f'                                    -> u64be format of the item key space (kFormat)
//   'x'                                    -> present only after a clean shutdown
// version := 'P' varint32(item_size) item_json   |   'D'   (a deletion)
//
// Every item has one latest slot, overwritten by each write, so reading the current version is
// one point lookup (a Get with the prefix bloom filters). When a table keeps history (PITR on, or
// an export pinned it), a write that supersedes a version also moves that version to a history
// entry keyed by its own commit ts and stamped with the ts that superseded it: the version was
// visible exactly during [ts, superseded_ts). ~ts is the bitwise complement of the commit
// timestamp, so after the latest slot (suffix 0) the history of one user key sorts newest first
// and "the newest version <= T" is one Seek to user_key + ~T. The entries of one user key are
// contiguous only because user keys are prefix-free (model/key_codec.h terminates every key
// part): were "k1" a user key beside "k10", the history of "k1" (suffix 0xff...) would sort after
// "k10".

#include <cstdint>
#include <string>
#include <string_view>

namespace tideline::storage::layout {

constexpr char kCatalog = 'c';
constexpr char kNextTableId = 'n';
constexpr char kStats = 's';
constexpr char kItem = 'i';
constexpr char kMeta = 'm';
constexpr char kIndex = 'j';
constexpr char kIndexStats = 't';
constexpr char kBackfill = 'b';
constexpr char kClock = 'k';
constexpr char kCleanShutdown = 'x';
constexpr char kFormat = 'f';
constexpr char kSnapshot = 'p';
constexpr char kRetainedTable = 'r';
constexpr char kStreamDescriptor = 'd';
constexpr char kStreamRecord = 'e';
// Bumped when the item key space changes incompatibly; Open refuses any other format.
constexpr uint64_t kFormatVersion = 2;
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
// The latest slot of an item: its suffix sorts before every history entry of the same item.
inline std::string LatestKey(uint64_t table_id, std::string_view user_key) {
  return ItemKey(table_id, user_key, ~0ull);
}
inline bool IsLatestSlot(std::string_view key) {
  return key.size() >= kTsSize &&
         key.substr(key.size() - kTsSize) == std::string_view("\0\0\0\0\0\0\0\0", kTsSize);
}
// The commit ts of a history entry's key.
inline uint64_t HistoryKeyTs(std::string_view key) {
  return ~GetU64BE(key.data() + key.size() - kTsSize);
}
inline std::string StatsKey(uint64_t table_id) {
  std::string k(1, kStats);
  PutU64BE(&k, table_id);
  return k;
}
inline std::string SnapshotKey(std::string_view name) {
  std::string k(1, kSnapshot);
  k.append(name);
  return k;
}
inline std::string RetainedTableKey(uint64_t table_id) {
  std::string k(1, kRetainedTable);
  PutU64BE(&k, table_id);
  return k;
}
inline std::string CatalogKey(std::string_view name) {
  std::string k(1, kCatalog);
  k.append(name);
  return k;
}

inline void PutU32BE(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
inline uint32_t GetU32BE(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Keys of one index: kind table_id index_id (13 bytes), then per kind as in the grammar.
constexpr size_t kIndexPrefixSize = 13;
inline std::string IndexKindKey(char kind, uint64_t table_id, uint32_t index_id) {
  std::string k;
  k.reserve(64);
  k.push_back(kind);
  PutU64BE(&k, table_id);
  PutU32BE(&k, index_id);
  return k;
}
inline std::string IndexPrefix(uint64_t table_id, uint32_t index_id) {
  return IndexKindKey(kIndex, table_id, index_id);
}
// The first key past every entry of the index.
inline std::string IndexEnd(uint64_t table_id, uint32_t index_id) {
  return index_id == ~0u ? IndexKindKey(kIndex, table_id + 1, 0)
                         : IndexKindKey(kIndex, table_id, index_id + 1);
}
// Every index entry of a table: [IndexPrefix(t, 0), IndexEnd(t, ~0u)).
inline std::string IndexEntryKey(uint64_t table_id, uint32_t index_id, std::string_view index_key,
                                 std::string_view user_key) {
  std::string k = IndexPrefix(table_id, index_id);
  k.append(index_key);
  k.append(user_key);
  return k;
}
inline std::string IndexStatsKey(uint64_t table_id, uint32_t index_id) {
  return IndexKindKey(kIndexStats, table_id, index_id);
}
inline std::string BackfillKey(uint64_t table_id, uint32_t index_id) {
  return IndexKindKey(kBackfill, table_id, index_id);
}
// A backfill's record of an item changed during it: BackfillKey + user_key (index_backfill.cc).
inline std::string BackfillTouchedKey(uint64_t table_id, uint32_t index_id,
                                      std::string_view user_key) {
  std::string k = BackfillKey(table_id, index_id);
  k.append(user_key);
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
inline void AppendPutVersion(std::string* v, std::string_view item_json, size_t item_size) {
  v->push_back(kPutVersion);
  uint32_t s = static_cast<uint32_t>(item_size);
  while (s >= 0x80) {
    v->push_back(static_cast<char>((s & 0x7f) | 0x80));
    s >>= 7;
  }
  v->push_back(static_cast<char>(s));
  v->append(item_json);
}

// A stored item value: a timestamp (the commit ts of a latest slot, the superseding ts of a
// history entry) followed by a version.
inline std::string Stamp(uint64_t ts, std::string_view version) {
  std::string v;
  v.reserve(kTsSize + version.size());
  PutU64BE(&v, ts);
  v.append(version);
  return v;
}
// Splits a stamped value; false when it is too short to hold a stamp and a version.
inline bool Unstamp(std::string_view value, uint64_t* ts, std::string_view* version) {
  if (value.size() <= kTsSize) return false;
  *ts = GetU64BE(value.data());
  *version = value.substr(kTsSize);
  return true;
}

// An index entry's value: the commit ts of the base item's version, the length of the index key
// (the key holds index_key + user_key, which only the schema could split otherwise), and a put
// version of the projected attributes.
inline std::string IndexEntryValue(uint64_t ts, size_t index_key_size, std::string_view json,
                                   size_t item_size) {
  std::string v;
  v.reserve(kTsSize + 4 + 6 + json.size());
  PutU64BE(&v, ts);
  PutU32BE(&v, static_cast<uint32_t>(index_key_size));
  AppendPutVersion(&v, json, item_size);
  return v;
}
// Splits an entry value; false when corrupt.
inline bool ParseIndexEntryValue(std::string_view value, uint64_t* ts, size_t* index_key_size,
                                 std::string_view* json, size_t* item_size) {
  if (value.size() < kTsSize + 4) return false;
  *ts = GetU64BE(value.data());
  *index_key_size = GetU32BE(value.data() + kTsSize);
  return ParseVersion(value.substr(kTsSize + 4), json, item_size);
}

}  // namespace tideline::storage::layout
