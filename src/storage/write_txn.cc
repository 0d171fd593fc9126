// WriteTxn and Storage::Write: lock the items a write names, run its read-modify-write under
// those locks, then commit what it staged in one RocksDB batch under one commit timestamp,
// holding the global commit lock only for the timestamp and the append, and update the table
// statistics in memory (storage.cc persists them in the background and recounts them after an
// unclean shutdown).

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "storage/index_maintenance.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"
#include "storage/stream_records.h"

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

bool WriteTxn::Named(uint64_t table_id, std::string_view user_key) {
  for (const auto& item : *items_) {
    if (item.table_id == table_id && item.user_key == user_key) return true;
  }
  misuse_ = Status::InvalidArgument("a write touched an item it did not name (and lock)");
  return false;
}

Status WriteTxn::Get(const TableMeta& table, std::string_view user_key, std::string* item_json,
                     bool* found, size_t* item_size) {
  *found = false;
  if (item_size) *item_size = 0;
  if (!Named(table.id, user_key)) return misuse_;
  OldVersion old{};
  Status s = LoadOld(table.id, user_key, item_json, &old);
  *found = old.found;
  if (item_size) *item_size = old.found ? old.size : 0;
  return s;
}

void WriteTxn::Put(const TableMeta& table, std::string_view user_key, std::string item_json,
                   size_t item_size) {
  if (!Named(table.id, user_key)) return;
  ops_.push_back({table.id, std::string(user_key), false, std::move(item_json), item_size});
}

void WriteTxn::PutAbsent(const TableMeta& table, std::string_view user_key, std::string item_json,
                         size_t item_size) {
  if (!Named(table.id, user_key)) return;
  ops_.push_back({table.id, std::string(user_key), false, std::move(item_json), item_size, true});
}

void WriteTxn::Delete(const TableMeta& table, std::string_view user_key, WriteOrigin origin) {
  if (!Named(table.id, user_key)) return;
  ops_.push_back({table.id, std::string(user_key), true, std::string(), 0, false, origin});
}

namespace {

// A staged write turned into its RocksDB entries, all but the commit timestamp.
struct PreparedOp {
  std::string latest_key;
  // The latest slot's new value with room for the timestamp in front; empty: no write (the
  // deletion of an item that is absent).
  std::string latest_value;
  // The superseded version, moved to a history entry when the table keeps history.
  bool supersedes_stored = false;
  uint64_t old_ts = 0;
  std::string old_version;
  uint64_t table_id = 0;
  std::string_view user_key;  // into the op
  const LiveTable* table = nullptr;
  std::unique_ptr<PreparedIndexOp> index;  // set when the table has indexes to maintain
};

void StoreTs(std::string* stamped_value, uint64_t ts) {
  std::string be;
  layout::PutU64BE(&be, ts);
  std::memcpy(stamped_value->data(), be.data(), layout::kTsSize);
}

}  // namespace

Status Storage::Write(const std::vector<ItemRef>& items, LockMode mode,
                      const std::function<void(WriteTxn&)>& fn, uint64_t* commit_ts,
                      std::vector<size_t>* conflicts, std::vector<IndexWrite>* index_writes) {
  DisablePerfCountersOnThisThread();
  if (commit_ts) *commit_ts = 0;
  if (conflicts) conflicts->clear();
  // Refused early while storage cannot write (a full disk): the operation's reads are not worth
  // doing, and the client gets the gate's reason.
  if (Status refused = impl_->gate.Check(); !refused.ok()) return refused;

  std::vector<std::string> lock_keys;
  lock_keys.reserve(items.size());
  for (const auto& item : items)
    lock_keys.push_back(layout::LatestKey(item.table_id, item.user_key));
  HeldKeys held;
  if (Status s = impl_->key_locks.Lock(lock_keys, mode, &held, conflicts); !s.ok()) return s;

  WriteTxn txn(this, &items);
  fn(txn);  // may throw (the caller's errors): nothing is written yet, and `held` unlocks
  if (!txn.misuse_.ok()) return txn.misuse_;
  if (txn.ops_.empty()) return Status::OK();

  // Everything but the timestamp is computed before the commit lock. The items are locked, so
  // the versions read here are still the latest at the commit.
  struct Delta {
    std::shared_ptr<LiveTable> table;
    int64_t count = 0;
    int64_t bytes = 0;
    std::shared_ptr<const TableMeta> meta;  // when the table has indexes to maintain
    std::map<uint32_t, IndexStatsDelta> index_deltas;
    // The LSI item collections the commit changes (tables with LSIs only).
    bool local_indexes = false;
    std::vector<CollectionChange> collections;
  };
  std::unordered_map<uint64_t, Delta> deltas;
  std::vector<PreparedOp> prepared;
  prepared.reserve(txn.ops_.size());
  // Each op supersedes the version before it, which may be an earlier op of this batch: replay
  // the ops one at a time so that LoadOld sees the earlier ones through ops_.
  std::vector<WriteTxn::Op> ops = std::move(txn.ops_);
  txn.ops_.clear();
  txn.ops_.reserve(ops.size());
  for (auto& op : ops) {
    Delta& d = deltas[op.table_id];
    if (!d.table) {
      d.table = impl_->LiveFor(op.table_id);
      if (!d.table) return Status::NotFound("the table was deleted");
      common::ReaderLock catalog(&impl_->catalog_mu);
      const auto& table_meta = impl_->Catalog(*d.table).meta;
      if (table_meta && HasMaintainedIndexes(*table_meta)) d.meta = table_meta;
      // LSIs are fixed at CreateTable: the set read here is the one at the commit.
      d.local_indexes = d.meta && HasLocalIndexes(*d.meta);
    }
    WriteTxn::OldVersion old;
    std::string old_json;
    if (!op.known_absent) {
      Status s = txn.LoadOld(op.table_id, op.user_key, d.meta ? &old_json : nullptr, &old);
      if (!s.ok()) return s;
    }
    std::unique_ptr<PreparedIndexOp> index_op;
    if (d.meta) {
      index_op = std::make_unique<PreparedIndexOp>();
      index_op->meta = d.meta;
      index_op->old_found = old.found;
      index_op->old_staged = old.staged;
      index_op->old_ts = old.ts;
      index_op->old_json = std::move(old_json);
      index_op->old_size = old.size;
      index_op->new_present = !op.is_delete;
      index_op->new_size = op.item_size;
    }
    if (old.found) {
      d.count -= 1;
      d.bytes -= static_cast<int64_t>(old.size);
    }
    PreparedOp p;
    p.table_id = op.table_id;
    p.table = d.table.get();
    p.latest_key = layout::LatestKey(op.table_id, op.user_key);
    if (old.found && !old.staged) {
      p.supersedes_stored = true;
      p.old_ts = old.ts;
      p.old_version = std::move(old.version);
    }
    if (op.is_delete) {
      // Deleting an absent item changes nothing.
      if (old.found || old.staged) {
        p.latest_value.assign(layout::kTsSize, '\0');
        p.latest_value.push_back(layout::kDeleteVersion);
      }
    } else {
      d.count += 1;
      d.bytes += static_cast<int64_t>(op.item_size);
      p.latest_value.reserve(layout::kTsSize + 6 + op.item_json.size());
      p.latest_value.assign(layout::kTsSize, '\0');
      layout::AppendPutVersion(&p.latest_value, op.item_json, op.item_size);
    }
    txn.ops_.push_back(std::move(op));
    p.user_key = txn.ops_.back().user_key;
    if (index_op) {
      index_op->new_json = txn.ops_.back().item_json;
      if (Status s = PrepareIndexOp(index_op.get()); !s.ok()) return s;
      if (d.local_indexes) {
        Status s =
            AddCollectionChange(*d.meta, p.user_key, *index_op, prepared.size(), &d.collections);
        if (!s.ok()) return s;
      }
      p.index = std::move(index_op);
    }
    prepared.push_back(std::move(p));
  }

  // The stream record of op `op_no` (streams::StageRecord), with the version it supersedes: an
  // earlier op of the same commit, else the stored version the preparation read.
  rocksdb::WriteBatch batch;
  uint64_t ts = 0;
  auto StageStreamRecord = [&](const TableMeta& table, size_t op_no, const PreparedOp& p) {
    const WriteTxn::Op& op = txn.ops_[op_no];
    streams::ItemChange change;
    bool staged = false;
    for (size_t j = op_no; j-- > 0;) {
      const WriteTxn::Op& earlier = txn.ops_[j];
      if (earlier.table_id == op.table_id && earlier.user_key == op.user_key) {
        staged = true;
        change.had_old = !earlier.is_delete;
        change.old_json = earlier.item_json;
        change.old_size = earlier.item_size;
        break;
      }
    }
    if (!staged && p.supersedes_stored) {
      change.had_old = layout::ParseVersion(p.old_version, &change.old_json, &change.old_size);
    }
    change.has_new = !op.is_delete;
    change.new_json = op.item_json;
    change.new_size = op.item_size;
    change.origin = op.origin;
    streams::StageRecord(table, ts, static_cast<uint32_t>(op_no), change, &batch);
  };

  // The commit: what needs one total order, and nothing else.
  CommitLock lock(&impl_->write_mu);
  for (const auto& [table_id, d] : deltas) {
    if (d.table->dropped.load()) return Status::NotFound("the table was deleted");
  }
  // Collection sizes move only under the commit lock: checked here, before anything is staged.
  std::vector<size_t> over_ops;
  for (auto& [table_id, d] : deltas) {
    if (d.collections.empty()) continue;
    Status s = impl_->CheckItemCollections(*this, *d.table, *d.meta, d.collections, &over_ops);
    if (!s.ok()) return s;
  }
  if (!over_ops.empty()) {
    if (conflicts) {
      for (size_t op_no : over_ops) {
        const WriteTxn::Op& op = txn.ops_[op_no];
        for (size_t i = 0; i < items.size(); ++i) {
          if (items[i].table_id == op.table_id && items[i].user_key == op.user_key &&
              std::find(conflicts->begin(), conflicts->end(), i) == conflicts->end()) {
            conflicts->push_back(i);
          }
        }
      }
    }
    return Status::LimitExceeded("Collection size exceeded.");
  }
  uint64_t lease = 0;
  ts = impl_->clock.Next(WallClockMicros(), &lease);
  // The timestamp passes the clock's lease: the new lease commits with it (commit_clock.h).
  if (lease != 0) AppendLease(&batch, lease);
  if (index_writes) index_writes->clear();
  for (size_t op_no = 0; op_no < prepared.size(); ++op_no) {
    PreparedOp& p = prepared[op_no];
    const auto& table_meta = impl_->CommitCatalog(*p.table).meta;
    if (p.index || (table_meta && HasMaintainedIndexes(*table_meta))) {
      // (An index created since the preparation has no PreparedIndexOp yet: the commit lock
      // is the moment the index set is read, so prepare one now.)
      if (!p.index) {
        p.index = std::make_unique<PreparedIndexOp>();
        PreparedIndexOp& late = *p.index;
        const WriteTxn::Op& op = txn.ops_[op_no];
        for (size_t j = op_no; j-- > 0;) {
          const WriteTxn::Op& earlier = txn.ops_[j];
          if (earlier.table_id == op.table_id && earlier.user_key == op.user_key) {
            late.old_staged = true;
            late.old_found = !earlier.is_delete;
            late.old_json = earlier.item_json;
            late.old_size = earlier.item_size;
            break;
          }
        }
        std::string_view json;
        if (!late.old_staged && p.supersedes_stored &&
            layout::ParseVersion(p.old_version, &json, &late.old_size)) {
          late.old_found = true;
          late.old_ts = p.old_ts;
          late.old_json.assign(json);
        }
        late.new_present = !op.is_delete;
        late.new_json = op.item_json;
        late.new_size = op.item_size;
        late.meta = table_meta;
        if (Status s = PrepareIndexOp(&late); !s.ok()) return s;
      }
      Status s = StageIndexOp(*impl_, *p.table, p.index.get(), p.user_key, ts, &batch,
                              &deltas[p.table_id].index_deltas, index_writes, op_no);
      if (!s.ok()) return s;
    }
    if (table_meta && !table_meta->stream_view_type.empty()) {
      StageStreamRecord(*table_meta, op_no, p);
    }
    if (p.supersedes_stored && p.table->keep_history()) {
      // The superseded version was visible during [old_ts, ts).
      batch.Put(layout::ItemKey(p.table_id, p.user_key, p.old_ts),
                layout::Stamp(ts, p.old_version));
    }
    if (!p.latest_value.empty()) {
      StoreTs(&p.latest_value, ts);
      batch.Put(p.latest_key, p.latest_value);
    }
  }
  if (batch.Count() > 0) {
    // Left in the WAL buffer: durable at the next write-out (WhenDurable/WaitDurable, storage.h).
    if (Status s = impl_->Apply(&batch); !s.ok()) return s;
    impl_->clock.LeaseStored(lease);
  }
  for (auto& [table_id, d] : deltas) {
    if (!d.collections.empty()) impl_->ApplyItemCollections(*d.table, d.collections);
    d.table->item_count += d.count;
    d.table->size_bytes += d.bytes;
    for (const auto& [index_id, delta] : d.index_deltas) {
      const auto& indexes = impl_->CommitCatalog(*d.table).indexes;
      auto live_index = indexes.find(index_id);
      if (live_index == indexes.end()) continue;
      live_index->second->item_count += delta.count;
      live_index->second->size_bytes += delta.bytes;
    }
  }
  impl_->stats_dirty.store(true, std::memory_order_relaxed);
  if (commit_ts) *commit_ts = ts;
  return Status::OK();
}

}  // namespace tideline::storage
