#pragma once
// The stored form of streams (key_layout.h 'd' and 'e'): descriptors and change records, and
// the commit path's part, which turns one item write into its record.

#include <rocksdb/write_batch.h>

#include <string>
#include <string_view>

#include "storage/stream_log.h"
#include "storage/table_meta.h"

namespace tideline::storage::streams {

// "<table>/stream/<label>": descriptors sort as their ARNs do (the ARN's prefix is common).
std::string DescriptorKey(std::string_view table_name, std::string_view label);
std::string SerializeDescriptor(const StreamDescriptor& d);
// false on corrupt input; the name and label come from the key.
bool ParseDescriptor(std::string_view key, std::string_view value, StreamDescriptor* d);

std::string RecordKey(uint64_t table_id, uint64_t ts, uint32_t op);
// The first key past every record of the table.
std::string RecordsEnd(uint64_t table_id);
std::string EncodeRecord(const StreamRecord& r);
bool DecodeRecord(std::string_view key, std::string_view value, StreamRecord* r);

// One op of a commit, as the commit path sees it.
struct ItemChange {
  bool had_old = false;
  std::string_view old_json;
  size_t old_size = 0;
  bool has_new = false;
  std::string_view new_json;
  size_t new_size = 0;
  WriteOrigin origin = WriteOrigin::kUser;
};

// Adds the stream record of `change` (op `op` of the commit at `ts`) to `batch` when `table` has
// an enabled stream and the write changed the item: none for the deletion of an absent item or a
// write of an identical item (DynamoDB writes no record for a write that changes nothing).
void StageRecord(const TableMeta& table, uint64_t ts, uint32_t op, const ItemChange& change,
                 rocksdb::WriteBatch* batch);

}  // namespace tideline::storage::streams
