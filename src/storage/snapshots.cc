// Snapshots: durable history pins for on-demand backups (docs/storage.md "Snapshots"). A
// snapshot copies nothing: the history the items already keep holds every version with its
// commit ts, so pinning a time keeps the table as it was then. What this file adds to a
// HistoryPin is durability (the pin is a key written with the table's metadata at that time),
// and a table lifetime beyond DeleteTable (storage.cc keeps the item keys of a table a snapshot
// pins; the release of its last pin removes them).

#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

namespace {

// value := ts:u64be item_count:u64be size_bytes:u64be meta_size:u32be meta_json payload
std::string EncodeSnapshot(const Storage::Snapshot& s) {
  std::string meta = SerializeTableMeta(s.table);
  std::string v;
  layout::PutU64BE(&v, s.ts);
  layout::PutU64BE(&v, static_cast<uint64_t>(s.stats.item_count));
  layout::PutU64BE(&v, static_cast<uint64_t>(s.stats.size_bytes));
  layout::PutU32BE(&v, static_cast<uint32_t>(meta.size()));
  v.append(meta);
  v.append(s.payload);
  return v;
}

bool DecodeSnapshot(std::string_view name, std::string_view v, Storage::Snapshot* s) {
  constexpr size_t kHeader = 3 * 8 + 4;
  if (v.size() < kHeader) return false;
  s->name.assign(name);
  s->ts = layout::GetU64BE(v.data());
  s->stats.item_count = static_cast<int64_t>(layout::GetU64BE(v.data() + 8));
  s->stats.size_bytes = static_cast<int64_t>(layout::GetU64BE(v.data() + 16));
  const uint32_t meta_size = layout::GetU32BE(v.data() + 24);
  if (v.size() - kHeader < meta_size) return false;
  if (!ParseTableMeta(v.substr(kHeader, meta_size), &s->table)) return false;
  s->payload.assign(v.substr(kHeader + meta_size));
  return true;
}

}  // namespace

bool Storage::Impl::PinnedLocked(uint64_t table_id, std::string_view except_snapshot) const {
  if (pins.count(table_id)) return true;
  for (const auto& [name, snapshot] : snapshots) {
    if (snapshot->table.id == table_id && name != except_snapshot) return true;
  }
  return false;
}

Status Storage::Impl::PurgeIfUnpinned(uint64_t table_id) {
  {
    common::MutexLock lock(&pins_mu);
    if (!retained.count(table_id) || PinnedLocked(table_id)) return Status::OK();
  }
  // Nobody can pin it again: it is in no catalog and has no snapshot to pin through.
  rocksdb::WriteBatch batch;
  batch.DeleteRange(layout::TablePrefix(table_id), layout::TableEnd(table_id));
  batch.Delete(layout::RetainedTableKey(table_id));
  Status s = Apply(&batch);
  if (!s.ok()) return s;
  common::MutexLock lock(&pins_mu);
  retained.erase(table_id);
  return Status::OK();
}

Status Storage::Impl::LoadSnapshots() {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(TotalOrderReadOptions()));
  const rocksdb::Slice snapshot_prefix(&layout::kSnapshot, 1);
  std::vector<std::shared_ptr<const Storage::Snapshot>> loaded;
  for (it->Seek(snapshot_prefix); it->Valid() && it->key().starts_with(snapshot_prefix);
       it->Next()) {
    auto snapshot = std::make_shared<Storage::Snapshot>();
    if (!DecodeSnapshot(it->key().ToStringView().substr(1), it->value().ToStringView(),
                        snapshot.get())) {
      return Status::Corruption("bad snapshot entry " + it->key().ToString());
    }
    loaded.push_back(std::move(snapshot));
  }
  if (!it->status().ok()) return FromRocks(it->status());
  std::vector<uint64_t> retained_ids;
  const rocksdb::Slice retained_prefix(&layout::kRetainedTable, 1);
  for (it->Seek(retained_prefix); it->Valid() && it->key().starts_with(retained_prefix);
       it->Next()) {
    if (it->key().size() == 9) retained_ids.push_back(layout::GetU64BE(it->key().data() + 1));
  }
  if (!it->status().ok()) return FromRocks(it->status());
  // The live tables first: catalog_mu (in LiveFor) comes before pins_mu.
  std::vector<std::shared_ptr<LiveTable>> live_tables;
  for (const auto& snapshot : loaded) live_tables.push_back(LiveFor(snapshot->table.id));
  {
    common::MutexLock lock(&pins_mu);
    for (size_t i = 0; i < loaded.size(); ++i) {
      if (live_tables[i]) ++live_tables[i]->pins;
      snapshots.emplace(loaded[i]->name, std::move(loaded[i]));
    }
    retained.insert(retained_ids.begin(), retained_ids.end());
  }
  CommitLock wlock(&write_mu);
  for (uint64_t id : retained_ids) {
    if (Status s = PurgeIfUnpinned(id); !s.ok()) {
      // Harmless to keep (no table will ever have that id): the next start tries again.
      spdlog::warn("cannot remove the items of deleted table {} yet: {}", id, s.ToString());
    }
  }
  return Status::OK();
}

Status Storage::CreateSnapshot(std::string_view table_name, std::string name, std::string payload,
                               std::shared_ptr<const Snapshot>* created) {
  // Under the commit lock: the snapshot's time and statistics are those of one instant between
  // commits, and every later commit to the table sees the pin and keeps what it supersedes.
  CommitLock wlock(&impl_->write_mu);
  std::shared_ptr<const TableMeta> table = FindTable(table_name);
  std::shared_ptr<LiveTable> table_live = table ? impl_->LiveFor(table->id) : nullptr;
  if (!table_live) return Status::NotFound("table " + std::string(table_name));
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->name = std::move(name);
  snapshot->table = *table;
  snapshot->payload = std::move(payload);
  {
    common::MutexLock lock(&impl_->pins_mu);
    if (impl_->snapshots.count(snapshot->name)) return Status::AlreadyExists("snapshot exists");
  }
  (void)impl_->ExtendLease();
  snapshot->ts = impl_->clock.Now(WallClockMicros());
  snapshot->stats = {table_live->item_count.load(), table_live->size_bytes.load()};
  rocksdb::WriteBatch batch;
  batch.Put(layout::SnapshotKey(snapshot->name), EncodeSnapshot(*snapshot));
  if (Status s = impl_->Apply(&batch); !s.ok()) return s;
  common::MutexLock lock(&impl_->pins_mu);
  ++table_live->pins;
  impl_->snapshots.emplace(snapshot->name, snapshot);
  spdlog::info("backup {} of table {} created ({} items, {} bytes; nothing copied)", snapshot->name,
               snapshot->table.name, snapshot->stats.item_count, snapshot->stats.size_bytes);
  if (created) *created = std::move(snapshot);
  return Status::OK();
}

std::shared_ptr<const Storage::Snapshot> Storage::FindSnapshot(std::string_view name) const {
  common::MutexLock lock(&impl_->pins_mu);
  auto it = impl_->snapshots.find(name);
  return it == impl_->snapshots.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Storage::Snapshot>> Storage::ListSnapshots() const {
  common::MutexLock lock(&impl_->pins_mu);
  std::vector<std::shared_ptr<const Snapshot>> out;
  out.reserve(impl_->snapshots.size());
  for (const auto& [name, snapshot] : impl_->snapshots) out.push_back(snapshot);
  return out;
}

Status Storage::DeleteSnapshot(std::string_view name) {
  CommitLock wlock(&impl_->write_mu);
  std::shared_ptr<const Snapshot> snapshot = FindSnapshot(name);
  if (!snapshot) return Status::NotFound("snapshot " + std::string(name));
  const uint64_t table_id = snapshot->table.id;
  bool purge = false;
  {
    common::MutexLock lock(&impl_->pins_mu);
    purge = impl_->retained.count(table_id) && !impl_->PinnedLocked(table_id, name);
  }
  rocksdb::WriteBatch batch;
  batch.Delete(layout::SnapshotKey(name));
  if (purge) {
    // Its table is gone and nothing else reads it: the items go in the same batch, so a crash
    // leaves either both or neither.
    batch.DeleteRange(layout::TablePrefix(table_id), layout::TableEnd(table_id));
    batch.Delete(layout::RetainedTableKey(table_id));
  }
  if (Status s = impl_->Apply(&batch); !s.ok()) return s;
  std::shared_ptr<LiveTable> table_live = impl_->LiveFor(table_id);  // before pins_mu
  common::MutexLock lock(&impl_->pins_mu);
  impl_->snapshots.erase(impl_->snapshots.find(name));
  if (purge) impl_->retained.erase(table_id);
  if (table_live) --table_live->pins;
  spdlog::info("backup {} of table {} deleted{}", name, snapshot->table.name,
               purge ? "; the deleted table's items it kept are released" : "");
  return Status::OK();
}

std::shared_ptr<Storage::HistoryPin> Storage::PinSnapshot(
    std::string_view name, std::shared_ptr<const Snapshot>* snapshot) {
  CommitLock wlock(&impl_->write_mu);
  *snapshot = FindSnapshot(name);
  if (!*snapshot) return nullptr;
  std::shared_ptr<LiveTable> table_live = impl_->LiveFor((*snapshot)->table.id);  // before pins_mu
  common::MutexLock lock(&impl_->pins_mu);
  impl_->pins.emplace((*snapshot)->table.id, (*snapshot)->ts);
  if (table_live) ++table_live->pins;
  return std::make_shared<HistoryPin>(impl_.get(), (*snapshot)->table.id, (*snapshot)->ts);
}

}  // namespace tideline::storage
