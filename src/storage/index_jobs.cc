// Background index jobs: the removal of a deleted index, the launching and resuming of jobs
// (the backfill of a new index is in index_backfill.cc), and the catalog plumbing they share
// (docs/storage.md "Indexes").

#include "storage/index_jobs.h"

#include <algorithm>
#include <chrono>

#include "storage/catalog_log.h"
#include "storage/index_maintenance.h"
#include "storage/storage_impl.h"

namespace tideline::storage {
void KeepIndexProgress(const TableMeta& stored, uint64_t last_commit_ts, TableMeta* incoming) {
  std::vector<IndexMeta> kept;
  for (IndexMeta ix : incoming->indexes) {
    const IndexMeta* old = FindIndexById(stored, ix.id);
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
                                  const std::function<Status(rocksdb::WriteBatch&)>& extra) {
  CatalogChangeLine line;  // written once the locks below are released
  CommitLock wlock(&write_mu);
  common::WriterLock lock(&catalog_mu);
  auto it = live.find(table_id);
  if (it == live.end() || !Catalog(*it->second).meta) return Status::NotFound("table");
  TableMeta meta = *Catalog(*it->second).meta;
  if (!change(meta)) return Status::NotFound("nothing to change");
  rocksdb::WriteBatch batch;
  batch.Put(layout::CatalogKey(meta.name), SerializeTableMeta(meta));
  if (extra) {
    if (Status s = extra(batch); !s.ok()) return s;
  }
  Status s = Apply(&batch);  // durable with the next write-out (storage.h, "Durability")
  if (!s.ok()) return s;
  const std::shared_ptr<const TableMeta> before = Catalog(*it->second).meta;
  InstallMeta(std::make_shared<const TableMeta>(std::move(meta)));
  line.Set(before, Catalog(*it->second).meta);
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
          b.DeleteRange(layout::BackfillKey(table_id, index_id),
                        layout::BackfillKey(table_id, index_id + 1));
          return Status::OK();
        });
    if (s.ok() || s.IsNotFound()) return;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

Status Storage::Impl::RecountIndexStats(uint64_t table_id, uint32_t index_id, LiveIndex* out,
                                        uint64_t above_ts) {
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
    if (ts <= above_ts) continue;
    ++count;
    bytes += static_cast<int64_t>(size);
  }
  if (!it->status().ok()) return FromRocks(it->status());
  out->item_count = count;
  out->size_bytes = bytes;
  return Status::OK();
}

}  // namespace tideline::storage
