// Background index jobs: the backfill of a new index and the removal of a deleted one, plus the
// catalog plumbing they share (docs/storage.md "Indexes").
//
// The backfill copies the entries of the items that the commit path has not indexed: those whose
// version is not newer than the index's maintained_since_ts (every later commit maintains the
// index). It reads the table in chunks without any lock, computes the entries, then, under the
// commit lock for about a millisecond, keeps only the items whose latest version is still the one
// it read (a newer one has been indexed by its commit, which removed the entries of the version
// it replaced), and writes their entries with its progress in one batch. A crash loses at most
// the chunks not yet in the WAL, together with their progress: the next start resumes after the
// last chunk that is stored.

#include "storage/index_jobs.h"

#include <algorithm>
#include <chrono>

#include "storage/index_maintenance.h"
#include "storage/storage_impl.h"

namespace tideline::storage {
namespace {

constexpr size_t kBackfillChunkItems = 1000;

const IndexMeta* FindIndex(const TableMeta& meta, uint32_t index_id) {
  for (const auto& ix : meta.indexes) {
    if (ix.id == index_id) return &ix;
  }
  return nullptr;
}

}  // namespace

void KeepIndexProgress(const TableMeta& stored, uint64_t last_commit_ts, TableMeta* incoming) {
  std::vector<IndexMeta> kept;
  for (IndexMeta ix : incoming->indexes) {
    const IndexMeta* old = FindIndex(stored, ix.id);
    if (!old) {
      if (ix.id < stored.next_index_id) continue;  // removed meanwhile
      ix.maintained_since_ts = last_commit_ts;
      kept.push_back(std::move(ix));
      continue;
    }
    ix.maintained_since_ts = old->maintained_since_ts;
    if (old->status == "DELETING") {
      ix.status = old->status;
      ix.backfilling = false;
    } else if (old->status != "CREATING" && ix.status == "CREATING") {
      ix.status = old->status;
      ix.backfilling = old->backfilling;
    } else if (old->status == "CREATING" && ix.status == "CREATING" && old->backfilling) {
      ix.backfilling = true;
    }
    kept.push_back(std::move(ix));
  }
  incoming->indexes = std::move(kept);
  incoming->next_index_id = std::max(incoming->next_index_id, stored.next_index_id);
}

void Storage::Impl::InstallMeta(std::shared_ptr<const TableMeta> meta) {
  tables[meta->name] = meta;
  auto it = live.find(meta->id);
  if (it == live.end()) return;
  LiveTable::Catalogued& table = MutableCatalog(*it->second);
  std::map<uint32_t, std::shared_ptr<LiveIndex>> indexes;
  for (const auto& ix : meta->indexes) {
    auto old = table.indexes.find(ix.id);
    indexes[ix.id] = old != table.indexes.end() ? old->second : std::make_shared<LiveIndex>();
  }
  table.indexes = std::move(indexes);
  table.meta = std::move(meta);
}

Status Storage::Impl::MutateTable(uint64_t table_id, const std::function<bool(TableMeta&)>& change,
                                  const std::function<void(rocksdb::WriteBatch&)>& extra) {
  CommitLock wlock(&write_mu);
  common::WriterLock lock(&catalog_mu);
  auto it = live.find(table_id);
  if (it == live.end() || !Catalog(*it->second).meta) return Status::NotFound("table");
  TableMeta meta = *Catalog(*it->second).meta;
  if (!change(meta)) return Status::NotFound("nothing to change");
  rocksdb::WriteBatch batch;
  batch.Put(layout::CatalogKey(meta.name), SerializeTableMeta(meta));
  if (extra) extra(batch);
  Status s = Apply(&batch);  // durable with the next write-out (storage.h, "Durability")
  if (!s.ok()) return s;
  InstallMeta(std::make_shared<const TableMeta>(std::move(meta)));
  return Status::OK();
}

void Storage::Impl::LaunchIndexJob(std::function<void()> job) {
  common::MutexLock lock(&index_jobs_mu);
  if (index_jobs_stopping) return;
  index_jobs.emplace_back(std::move(job));
}

void Storage::Impl::StopIndexJobs() {
  std::vector<std::thread> jobs;
  {
    common::MutexLock lock(&index_jobs_mu);
    index_jobs_stopping = true;
    jobs.swap(index_jobs);
  }
  for (auto& t : jobs) t.join();
}

void Storage::Impl::ResumeIndexJobs() {
  std::vector<std::pair<uint64_t, uint32_t>> backfills, removals;
  {
    common::ReaderLock lock(&catalog_mu);
    for (const auto& [name, meta] : tables) {
      for (const auto& ix : meta->indexes) {
        if (ix.status == "CREATING" && ix.backfilling) backfills.emplace_back(meta->id, ix.id);
        if (ix.status == "DELETING") removals.emplace_back(meta->id, ix.id);
      }
    }
  }
  for (auto [t, i] : backfills) {
    LaunchIndexJob([this, t = t, i = i] { RunBackfill(t, i); });
  }
  for (auto [t, i] : removals) {
    LaunchIndexJob([this, t = t, i = i] { RunRemoval(t, i); });
  }
}

void Storage::Impl::RunBackfill(uint64_t table_id, uint32_t index_id) {
  struct Pending {
    std::string user_key;
    uint64_t ts;
    std::vector<IndexEntry> entries;
  };
  std::shared_ptr<LiveTable> table = LiveFor(table_id);
  if (!table) return;
  bool started = false;
  std::string upto;
  {
    CommitLock wlock(&write_mu);
    const auto& indexes = CommitCatalog(*table).indexes;
    auto it = indexes.find(index_id);
    if (it == indexes.end()) return;
    started = Backfill(*it->second).started;
    upto = Backfill(*it->second).upto;
  }
  while (!index_jobs_stopping) {
    std::shared_ptr<const TableMeta> meta;
    {
      common::ReaderLock lock(&catalog_mu);
      meta = Catalog(*table).meta;
    }
    const IndexMeta* index = meta ? FindIndex(*meta, index_id) : nullptr;
    if (!index || index->status != "CREATING" || !TableLive(table_id)) return;
    const std::vector<const IndexMeta*> one{index};
    // The last commit before the chunk is read: if no commit follows it by the time the chunk
    // is written, every version read is still the latest and the check below is skipped.
    uint64_t last_commit_before = 0;
    {
      CommitLock wlock(&write_mu);
      last_commit_before = clock.last();
    }
    // Read a chunk without any lock.
    std::vector<Pending> pending;
    std::string last_key;
    bool exhausted = true;
    Status read_status;
    {
      auto cursor = NewMvccCursor(db.get(), table_id, ~0ull, started ? KeyAfter(upto) : "", "",
                                  false, /*bulk=*/true);
      size_t n = 0;
      for (; cursor->Valid(); cursor->Next()) {
        if (n++ == kBackfillChunkItems) {
          exhausted = false;
          break;
        }
        last_key.assign(cursor->user_key());
        if (cursor->commit_ts() > index->maintained_since_ts) continue;  // the commit indexed it
        Pending p{last_key, cursor->commit_ts(), {}};
        read_status =
            EntriesOfItem(*meta, one, cursor->item_json(), cursor->item_size(), &p.entries);
        if (!read_status.ok()) break;
        if (!p.entries.empty()) pending.push_back(std::move(p));
      }
      if (read_status.ok()) read_status = cursor->status();
    }
    if (!read_status.ok()) {
      // A read error (I/O): try again later rather than finish with entries missing.
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    if (!last_key.empty()) {
      CommitLock wlock(&write_mu);
      const auto& indexes = CommitCatalog(*table).indexes;
      auto live_index = indexes.find(index_id);
      if (live_index == indexes.end() || !TableLive(table_id)) return;
      rocksdb::WriteBatch batch;
      IndexStatsDelta delta;
      const bool committed_since = clock.last() != last_commit_before;
      for (const Pending& p : pending) {
        if (committed_since) {
          StoredVersion latest;
          if (!ReadLatestSlot(table_id, p.user_key, &latest).ok()) continue;
          if (!latest.present || latest.ts != p.ts) continue;  // rewritten since: indexed by it
        }
        for (const IndexEntry& e : p.entries) {
          batch.Put(layout::IndexEntryKey(table_id, index_id, e.index_key, p.user_key),
                    layout::IndexEntryValue(p.ts, e.index_key.size(), e.json, e.size));
          delta.count += 1;
          delta.bytes += static_cast<int64_t>(e.size);
        }
      }
      batch.Put(layout::BackfillKey(table_id, index_id), last_key);
      if (!Apply(&batch).ok()) {
        // Writes refused for now (a full disk): the chunk is redone later.
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      LiveIndex& li = *live_index->second;
      Backfill(li).started = true;
      Backfill(li).upto = last_key;
      li.item_count += delta.count;
      li.size_bytes += delta.bytes;
      stats_dirty.store(true, std::memory_order_relaxed);
      started = true;
      upto = last_key;
    }
    if (exhausted) break;
  }
  if (index_jobs_stopping) return;
  Status s = MutateTable(
      table_id,
      [index_id](TableMeta& m) {
        for (auto& ix : m.indexes) {
          if (ix.id == index_id && ix.status == "CREATING") {
            ix.status = "ACTIVE";
            ix.backfilling = false;
            return true;
          }
        }
        return false;
      },
      [&](rocksdb::WriteBatch& b) { b.Delete(layout::BackfillKey(table_id, index_id)); });
  (void)s;  // NotFound: removed or deleted meanwhile; an I/O error: resumed at the next start
}

void Storage::Impl::RunRemoval(uint64_t table_id, uint32_t index_id) {
  // The index is DELETING: no commit writes its entries any more, so one range deletion in the
  // batch that drops it from the catalog removes them all.
  while (!index_jobs_stopping) {
    Status s = MutateTable(
        table_id,
        [index_id](TableMeta& m) {
          auto it = std::find_if(m.indexes.begin(), m.indexes.end(),
                                 [&](const IndexMeta& ix) { return ix.id == index_id; });
          if (it == m.indexes.end()) return false;
          m.indexes.erase(it);
          return true;
        },
        [&](rocksdb::WriteBatch& b) {
          b.DeleteRange(layout::IndexPrefix(table_id, index_id),
                        layout::IndexEnd(table_id, index_id));
          b.Delete(layout::IndexStatsKey(table_id, index_id));
          b.Delete(layout::BackfillKey(table_id, index_id));
        });
    if (s.ok() || s.IsNotFound()) return;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

Status Storage::Impl::RecountIndexStats(uint64_t table_id, uint32_t index_id, LiveIndex* out) {
  const std::string begin = layout::IndexPrefix(table_id, index_id);
  const std::string end = layout::IndexEnd(table_id, index_id);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = TotalOrderReadOptions();
  ro.iterate_upper_bound = &upper;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  int64_t count = 0, bytes = 0;
  for (it->Seek(begin); it->Valid(); it->Next()) {
    uint64_t ts = 0;
    size_t key_size = 0, size = 0;
    std::string_view json;
    if (!layout::ParseIndexEntryValue(it->value().ToStringView(), &ts, &key_size, &json, &size)) {
      continue;
    }
    ++count;
    bytes += static_cast<int64_t>(size);
  }
  if (!it->status().ok()) return FromRocks(it->status());
  out->item_count = count;
  out->size_bytes = bytes;
  return Status::OK();
}

}  // namespace tideline::storage
