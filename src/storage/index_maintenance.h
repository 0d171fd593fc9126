#pragma once
// Index maintenance: the entries an item version has in a table's secondary indexes, and the
// batch changes that take the indexes from an old version's entries to a new one's. Shared by
// the commit path (write_txn.cc), the backfill (index_backfill.cc), bulk loads and the
// invariant check, so that every writer derives entries by the same rule.

#include <rocksdb/write_batch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "storage/storage.h"
#include "storage/storage_impl.h"
#include "storage/table_meta.h"

namespace tideline::storage {

// Whether writes keep `index` up to date: every status but DELETING (CREATING indexes too, from
// the moment they enter the catalog, so that a backfill only has to copy older items).
bool IndexMaintained(const IndexMeta& index);
// The index of `table` with id `index_id`; nullptr if there is none.
const IndexMeta* FindIndexById(const TableMeta& table, uint32_t index_id);
bool HasMaintainedIndexes(const TableMeta& table);

// One item's entry in one index.
struct IndexEntry {
  uint32_t index_id = 0;
  std::string index_key;
  std::string json;  // the projected attributes
  size_t size = 0;   // their DynamoDB size
};

// The entries of an item (wire JSON of size item_size) in `indexes` (those of `table` that the
// caller selected): one per index the item belongs to. Items whose key attribute is invalid for
// an index are not in it (model::ComputeIndexKey). Corruption when the JSON does not parse.
Status EntriesOfItem(const TableMeta& table, const std::vector<const IndexMeta*>& indexes,
                     std::string_view item_json, size_t item_size, std::vector<IndexEntry>* out);
// The maintained indexes of a table.
std::vector<const IndexMeta*> MaintainedIndexes(const TableMeta& table);

// Per-index changes of the statistics (entries, bytes).
struct IndexStatsDelta {
  int64_t count = 0;
  int64_t bytes = 0;
};

// Stages in `batch` the change of one item (user_key of table_id) from its `old_entries` to
// its `new_entries` at commit ts `ts`: entries that moved or disappeared are deleted, the new
// ones put. old_stored[i] tells whether old_entries[i] is actually stored (false while a backfill
// has not reached it yet): only stored entries count as removed. Adds to *deltas and, when
// index_writes is given, reports the op (number `op`) there.
void StageIndexChanges(uint64_t table_id, std::string_view user_key, uint64_t ts,
                       const std::vector<IndexEntry>& old_entries,
                       const std::vector<bool>& old_stored,
                       const std::vector<IndexEntry>& new_entries, rocksdb::WriteBatch* batch,
                       std::map<uint32_t, IndexStatsDelta>* deltas,
                       std::vector<IndexWrite>* index_writes, size_t op);

// The commit path's part (write_txn.cc), in two steps around the commit lock. One op on a
// table with indexes goes from its old version (old_found: an item existed; old_staged: written
// earlier in the same batch; old_ts: its commit ts) to its new one (new_present: a put).
struct PreparedIndexOp {
  std::shared_ptr<const TableMeta> meta;  // the metadata the entries were computed with
  bool old_found = false;
  bool old_staged = false;
  uint64_t old_ts = 0;
  std::string old_json;
  size_t old_size = 0;
  bool new_present = false;
  std::string_view new_json;  // into the op
  size_t new_size = 0;
  std::vector<IndexEntry> old_entries, new_entries;
};
// Before the commit lock: computes the entries of both versions with `p->meta`.
Status PrepareIndexOp(PreparedIndexOp* p);
// Under the commit lock: recomputes the entries if the table's indexes changed since (an index
// created or being deleted), then stages the changes with the commit ts. Whether an old entry
// is stored depends on a backfill's progress, which moves only under the commit lock.
Status StageIndexOp(const Storage::Impl& impl, const LiveTable& table, PreparedIndexOp* p,
                    std::string_view user_key, uint64_t ts, rocksdb::WriteBatch* batch,
                    std::map<uint32_t, IndexStatsDelta>* deltas,
                    std::vector<IndexWrite>* index_writes, size_t op) REQUIRES(impl.write_mu);

}  // namespace tideline::storage
