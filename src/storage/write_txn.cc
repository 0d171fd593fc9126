// WriteTxn and Storage::Write: stage item writes, then commit them in one RocksDB batch under one
// commit timestamp, and update the table statistics in memory (storage.cc persists them in the
// background and recounts them after an unclean shutdown).

#include <rocksdb/write_batch.h>

#include <unordered_map>

#include "common/api_error.h"
#include "storage/index_maintenance.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

Status WriteTxn::LoadOld(uint64_t table_id, std::string_view user_key, std::string* item_json,
                         OldVersion* old) {
  // A transaction's own staged write wins over the stored version.
  for (auto it = ops_.rbegin(); it != ops_.rend(); ++it) {
    if (it->table_id == table_id && it->user_key == user_key) {
      *old = OldVersion{};
      old->found = !it->is_delete;
      old->staged = true;
      old->size = it->item_size;
      if (item_json && old->found) *item_json = it->item_json;
      return Status::OK();
    }
  }
  for (const auto& c : read_cache_) {
    if (c.table_id == table_id && c.user_key == user_key) {
      *old = c.old;
      std::string_view json;
      size_t size = 0;
      if (item_json && old->found && layout::ParseVersion(old->version, &json, &size)) {
        item_json->assign(json);
      }
      return Status::OK();
    }
  }
  StoredVersion stored;
  Status s = storage_->impl_->ReadLatestSlot(table_id, user_key, &stored);
  if (!s.ok()) return s;
  *old = OldVersion{};
  std::string_view json;
  old->found = stored.ItemJson(&json, &old->size);
  if (item_json && old->found) item_json->assign(json);
  if (stored.present) {
    old->ts = stored.ts;
    old->version = std::move(stored.version);
  }
  read_cache_.push_back({table_id, std::string(user_key), *old});
  return Status::OK();
}

Status WriteTxn::Get(const TableMeta& table, std::string_view user_key, std::string* item_json,
                     bool* found, size_t* item_size) {
  OldVersion old{};
  Status s = LoadOld(table.id, user_key, item_json, &old);
  *found = old.found;
  if (item_size) *item_size = old.found ? old.size : 0;
  return s;
}

void WriteTxn::Put(const TableMeta& table, std::string_view user_key, std::string item_json,
                   size_t item_size) {
  ops_.push_back({table.id, std::string(user_key), false, std::move(item_json), item_size});
}

void WriteTxn::PutAbsent(const TableMeta& table, std::string_view user_key, std::string item_json,
                         size_t item_size) {
  ops_.push_back({table.id, std::string(user_key), false, std::move(item_json), item_size, true});
}

void WriteTxn::Delete(const TableMeta& table, std::string_view user_key) {
  ops_.push_back({table.id, std::string(user_key), true, std::string(), 0});
}

Status Storage::Write(const std::function<void(WriteTxn&)>& fn, uint64_t* commit_ts,
                      std::vector<IndexWrite>* index_writes) {
  DisablePerfCountersOnThisThread();
  std::lock_guard lock(impl_->write_mu);
  // Refused early while storage cannot write (a full disk): the operation's reads are not worth
  // doing, and the client gets the gate's reason.
  if (Status refused = impl_->gate.Check(); !refused.ok()) return refused;
  WriteTxn txn(this);
  fn(txn);  // may throw ApiError: nothing has been written yet
  if (commit_ts) *commit_ts = 0;
  if (txn.ops_.empty()) return Status::OK();

  struct Delta {
    std::shared_ptr<LiveTable> table;
    int64_t count = 0;
    int64_t bytes = 0;
    std::vector<const IndexMeta*> indexes;  // the table's maintained indexes
    std::map<uint32_t, IndexStatsDelta> index_deltas;
  };
  std::unordered_map<uint64_t, Delta> deltas;
  uint64_t lease = 0;
  const uint64_t ts = impl_->clock.Next(WallClockMicros(), &lease);
  rocksdb::WriteBatch batch;
  if (lease != 0) {
    // The timestamp passes the clock's lease: the new lease commits with it (commit_clock.h).
    std::string v;
    layout::PutU64BE(&v, lease);
    batch.Put(std::string(1, layout::kClock), v);
  }
  // Each op supersedes the version before it, which may be an earlier op of this batch: replay
  // the ops one at a time so that LoadOld sees the earlier ones through ops_.
  std::vector<WriteTxn::Op> ops = std::move(txn.ops_);
  txn.ops_.clear();
  if (index_writes) index_writes->clear();
  for (size_t op_no = 0; op_no < ops.size(); ++op_no) {
    WriteTxn::Op& op = ops[op_no];
    Delta& d = deltas[op.table_id];
    if (!d.table) {
      d.table = impl_->LiveFor(op.table_id);
      if (!d.table) {
        throw ApiError::ResourceNotFound("Requested resource not found");
      }
      if (d.table->meta) d.indexes = MaintainedIndexes(*d.table->meta);
    }
    WriteTxn::OldVersion old;
    std::string old_json;
    if (!op.known_absent) {
      Status s =
          txn.LoadOld(op.table_id, op.user_key, d.indexes.empty() ? nullptr : &old_json, &old);
      if (!s.ok()) return s;
    }
    if (!d.indexes.empty()) {
      Status s = StageItemIndexes(*d.table, d.indexes, op.user_key, old.found, old.staged, old.ts,
                                  old_json, old.size, !op.is_delete, op.item_json, op.item_size, ts,
                                  &batch, &d.index_deltas, index_writes, op_no);
      if (!s.ok()) return s;
    }
    if (old.found) {
      d.count -= 1;
      d.bytes -= static_cast<int64_t>(old.size);
    }
    if (old.found && !old.staged && d.table->keep_history()) {
      // The superseded version was visible during [old.ts, ts).
      batch.Put(layout::ItemKey(op.table_id, op.user_key, old.ts), layout::Stamp(ts, old.version));
    }
    const std::string key = layout::LatestKey(op.table_id, op.user_key);
    if (op.is_delete) {
      // Deleting an absent item changes nothing.
      if (old.found || old.staged) {
        batch.Put(key, layout::Stamp(ts, std::string_view(&layout::kDeleteVersion, 1)));
      }
    } else {
      d.count += 1;
      d.bytes += static_cast<int64_t>(op.item_size);
      std::string value;
      value.reserve(layout::kTsSize + 6 + op.item_json.size());
      layout::PutU64BE(&value, ts);
      layout::AppendPutVersion(&value, op.item_json, op.item_size);
      batch.Put(key, value);
    }
    txn.ops_.push_back(std::move(op));
  }
  if (batch.Count() > 0) {
    // Left in the WAL buffer: the caller makes it durable with SyncWal() (storage.h).
    if (Status s = impl_->Apply(&batch); !s.ok()) return s;
    impl_->clock.LeaseStored(lease);
  }
  for (auto& [table_id, d] : deltas) {
    d.table->item_count += d.count;
    d.table->size_bytes += d.bytes;
    for (const auto& [index_id, delta] : d.index_deltas) {
      auto live_index = d.table->indexes.find(index_id);
      if (live_index == d.table->indexes.end()) continue;
      live_index->second->item_count += delta.count;
      live_index->second->size_bytes += delta.bytes;
    }
  }
  impl_->stats_dirty.store(true, std::memory_order_relaxed);
  if (commit_ts) *commit_ts = ts;
  return Status::OK();
}

}  // namespace tideline::storage
