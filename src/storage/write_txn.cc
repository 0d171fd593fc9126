// WriteTxn and Storage::Write: stage item writes, then commit them in one RocksDB batch under one
// commit timestamp, and update the table statistics in memory (storage.cc persists them in the
// background and recounts them after an unclean shutdown).

#include <rocksdb/write_batch.h>

#include <unordered_map>

#include "common/api_error.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

Status WriteTxn::LoadOld(const TableMeta& table, std::string_view user_key,
                         std::string* item_json, OldVersion* old) {
  // A transaction's own staged write wins over the stored version.
  for (auto it = ops_.rbegin(); it != ops_.rend(); ++it) {
    if (it->table_id == table.id && it->user_key == user_key) {
      old->found = !it->is_delete;
      old->size = it->item_size;
      if (item_json && old->found) *item_json = it->item_json;
      return Status::OK();
    }
  }
  if (!item_json) {
    for (const auto& c : read_cache_) {
      if (c.table_id == table.id && c.user_key == user_key) {
        *old = c.old;
        return Status::OK();
      }
    }
  }
  std::string raw;
  bool found = false;
  Status s = storage_->impl_->ReadLatest(table.id, user_key, ~0ull, &raw, &found);
  if (!s.ok()) return s;
  std::string_view json;
  size_t size = 0;
  old->found = found && layout::ParseVersion(raw, &json, &size);
  old->size = old->found ? size : 0;
  if (item_json && old->found) item_json->assign(json);
  read_cache_.push_back({table.id, std::string(user_key), *old});
  return Status::OK();
}

Status WriteTxn::Get(const TableMeta& table, std::string_view user_key, std::string* item_json,
                     bool* found) {
  OldVersion old{};
  Status s = LoadOld(table, user_key, item_json, &old);
  *found = old.found;
  return s;
}

void WriteTxn::Put(const TableMeta& table, std::string_view user_key, std::string item_json,
                   size_t item_size) {
  ops_.push_back({table.id, std::string(user_key), false, std::move(item_json), item_size});
}

void WriteTxn::Delete(const TableMeta& table, std::string_view user_key) {
  ops_.push_back({table.id, std::string(user_key), true, std::string(), 0});
}

Status Storage::Write(const std::function<void(WriteTxn&)>& fn, uint64_t* commit_ts) {
  DisablePerfCountersOnThisThread();
  std::lock_guard lock(impl_->write_mu);
  WriteTxn txn(this);
  fn(txn);  // may throw ApiError: nothing has been written yet
  if (commit_ts) *commit_ts = 0;
  if (txn.ops_.empty()) return Status::OK();

  struct Delta {
    std::shared_ptr<LiveStats> stats;
    int64_t count = 0;
    int64_t bytes = 0;
  };
  std::unordered_map<uint64_t, Delta> deltas;
  const uint64_t ts = impl_->NextCommitTs();
  rocksdb::WriteBatch batch;
  // Each op's old version is read before any op of this batch is applied, so apply ops to a
  // scratch view in order: LoadOld sees earlier ops through ops_ — replay them one at a time.
  std::vector<WriteTxn::Op> ops = std::move(txn.ops_);
  txn.ops_.clear();
  for (auto& op : ops) {
    Delta& d = deltas[op.table_id];
    if (!d.stats) {
      d.stats = impl_->StatsFor(op.table_id);
      if (!d.stats) {
        throw ApiError::ResourceNotFound("Requested resource not found");
      }
    }
    TableMeta probe;
    probe.id = op.table_id;
    WriteTxn::OldVersion old{};
    Status s = txn.LoadOld(probe, op.user_key, nullptr, &old);
    if (!s.ok()) return s;
    if (old.found) {
      d.count -= 1;
      d.bytes -= static_cast<int64_t>(old.size);
    }
    const std::string key = layout::ItemKey(op.table_id, op.user_key, ts);
    if (op.is_delete) {
      batch.Put(key, std::string(1, layout::kDeleteVersion));
    } else {
      d.count += 1;
      d.bytes += static_cast<int64_t>(op.item_size);
      batch.Put(key, layout::EncodePutVersion(op.item_json, op.item_size));
    }
    txn.ops_.push_back(std::move(op));
  }
  rocksdb::Status s = impl_->db->Write(impl_->write_options, &batch);
  if (!s.ok()) return FromRocks(s);
  for (auto& [table_id, d] : deltas) {
    d.stats->item_count += d.count;
    d.stats->size_bytes += d.bytes;
  }
  impl_->stats_dirty.store(true, std::memory_order_relaxed);
  if (commit_ts) *commit_ts = ts;
  return Status::OK();
}

}  // namespace tideline::storage
