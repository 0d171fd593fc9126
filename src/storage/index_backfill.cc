// The backfill of a new secondary index (UpdateTable's GlobalSecondaryIndexUpdates Create):
// the entries of the items the commit path has not indexed, written by SST ingestion. The
// reasoning is in docs/storage.md "Indexes"; in short:
//
// 1. Snapshot. Every commit after the index entered the catalog (ts > maintained_since_ts, M)
//    maintains it. Under the commit lock the run takes a RocksDB snapshot and sets its run id
//    in LiveIndex::backfill_run_.
// 2. Runs. Without any lock it walks the latest slots of the table in that snapshot, computes
//    the entries of every version not newer than M (stamped with that version's ts, as the
//    commit path stamps its own), and sorts them into SST runs (IndexRunSorter): memory bounded
//    by two run buffers, no memtable, no WAL, no commit lock.
// 3. Ingest. The runs are ingested in one IngestExternalFile (without the commit lock: its
//    fsyncs would stall every writer), and their entries added to the index's statistics; if
//    the table or the index was deleted meanwhile, the entries are deleted again.
//    An ingested file is newer than every write before it, so it may bring back the entry of
//    a version that a commit replaced after the snapshot (its deletion of the entry came
//    before the ingest). Those items are known: the first commit that changes an item whose
//    version is not newer than M, while the index is CREATING, records in the same batch
//    ('b' table index user_key, key_layout.h) the index key of the entry of that version and
//    the run id then current.
// 4. Repair. For every record, under the commit lock in chunks, the entry of the item's latest
//    version is put (it may be masked by an ingested one under the same key) and the recorded
//    entry deleted otherwise; the record goes in the same batch. A commit after the ingest is
//    newer than the ingested files and needs nothing, but its record is harmless.
// 5. ACTIVE, in one catalog batch with the last repairs and the removal of the records.
//
// Statistics: while a run is under way (backfill_run set) the commit path counts the entries of
// old versions as stored, as the run's ingest adds them (EntryStored), so the count is exact
// once the ingest is in. A record of another run (before this run's snapshot, or before a
// restart) is not in this run's files: its repair counts against what is stored instead.
//
// Crashes: until the ingest nothing of the run is stored. After it, the run's entries and the
// records are durable (the records with the commits that made them), so a restart, which runs
// the backfill again from step 1 and counts only the commit path's entries (ts > M, Open),
// re-ingests the same entries of unchanged items and repairs every changed one.

#include <rocksdb/db.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "common/mutex.h"
#include "storage/bulk_load.h"
#include "storage/index_jobs.h"
#include "storage/index_maintenance.h"
#include "storage/index_run_sorter.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {
namespace {

// Each run holds this much of entries in memory; two are in memory at once (one filling, one
// being sorted and written), so a backfill takes about twice this beyond RocksDB's own buffers.
constexpr uint64_t kRunBytes = 24ull << 20;
// Records repaired per hold of the commit lock.
constexpr size_t kRepairChunk = 256;

// The tests' step hook (SetBackfillStepHook), read by every backfill thread.
struct StepHook {
  common::Mutex mu;
  BackfillStepHook hook GUARDED_BY(mu);
};
StepHook& Hook() {
  static StepHook hook;
  return hook;
}
void Step(std::string_view step) {
  BackfillStepHook hook;
  {
    StepHook& slot = Hook();
    common::MutexLock lock(&slot.mu);
    hook = slot.hook;
  }
  if (hook) hook(step);
}

uint64_t NewRunId() {
  std::random_device rd;
  uint64_t id = 0;
  while (id == 0) id = (static_cast<uint64_t>(rd()) << 32) | rd();
  return id;
}

class SnapshotHolder {
 public:
  SnapshotHolder(rocksdb::DB* db, const rocksdb::Snapshot* snapshot) : db_(db), snap_(snapshot) {}
  ~SnapshotHolder() { Release(); }
  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;
  const rocksdb::Snapshot* get() const { return snap_; }
  void Release() {
    if (snap_) db_->ReleaseSnapshot(snap_);
    snap_ = nullptr;
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
};

struct Record {
  std::string key;  // BackfillTouchedKey
  std::string user_key;
  uint64_t run = 0;
  std::string index_key;  // of the entry the record's version had
};

}  // namespace

void SetBackfillStepHookForTesting(BackfillStepHook hook) {
  StepHook& slot = Hook();
  common::MutexLock lock(&slot.mu);
  slot.hook = std::move(hook);
}

namespace {

// Step 2: the entries of the versions not newer than `max_ts` in `snapshot`, sorted into runs.
Status BuildRuns(Storage::Impl* impl, const TableMeta& meta, const IndexMeta& index,
                 uint64_t max_ts, const rocksdb::Snapshot* snapshot, IndexRunSorter* sorter,
                 IndexStatsDelta* added) {
  const std::vector<const IndexMeta*> one{&index};
  const std::string lower = layout::TablePrefix(meta.id), upper = layout::TableEnd(meta.id);
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions ro = TotalOrderReadOptions();
  ro.snapshot = snapshot;
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = false;
  ro.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(impl->db->NewIterator(ro));
  std::vector<IndexEntry> entries;
  std::string entry_key, entry_value;
  size_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if ((++n & 4095) == 0 && impl->index_jobs_stopping) return Status::Unavailable("stopping");
    const std::string_view key = it->key().ToStringView();
    // Latest slots only: a history entry is an older version, never indexed.
    if (key.size() < layout::kTablePrefixSize + layout::kTsSize || !layout::IsLatestSlot(key)) {
      continue;
    }
    uint64_t ts = 0;
    std::string_view version, json;
    size_t size = 0;
    if (!layout::Unstamp(it->value().ToStringView(), &ts, &version)) {
      return Status::Corruption("bad latest slot in a backfill of table " + meta.name);
    }
    if (ts > max_ts) continue;                                   // the commit path indexed it
    if (!layout::ParseVersion(version, &json, &size)) continue;  // a deletion
    if (Status s = EntriesOfItem(meta, one, json, size, &entries); !s.ok()) return s;
    const std::string_view user_key = key.substr(
        layout::kTablePrefixSize, key.size() - layout::kTablePrefixSize - layout::kTsSize);
    for (const IndexEntry& e : entries) {
      entry_key = layout::IndexEntryKey(meta.id, index.id, e.index_key, user_key);
      entry_value = layout::IndexEntryValue(ts, e.index_key.size(), e.json, e.size);
      if (Status s = sorter->Add(entry_key, entry_value); !s.ok()) return s;
      added->count += 1;
      added->bytes += static_cast<int64_t>(e.size);
    }
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return sorter->Finish();
}

// Up to `limit` records of the index (all of them when limit is 0), read without a lock.
Status ReadRecords(rocksdb::DB* db, uint64_t table_id, uint32_t index_id, size_t limit,
                   std::vector<Record>* out) {
  out->clear();
  const std::string prefix = layout::BackfillKey(table_id, index_id);
  const std::string end = layout::BackfillKey(table_id, index_id + 1);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = TotalOrderReadOptions();
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    const std::string_view value = it->value().ToStringView();
    if (key.size() <= prefix.size()) continue;  // the progress key of older versions
    if (value.size() < layout::kTsSize) return Status::Corruption("bad backfill record");
    Record r;
    r.key.assign(key);
    r.user_key.assign(key.substr(prefix.size()));
    r.run = layout::GetU64BE(value.data());
    r.index_key.assign(value.substr(layout::kTsSize));
    out->push_back(std::move(r));
    if (limit && out->size() == limit) break;
  }
  return FromRocks(it->status());
}

// Step 4 for one record, under the commit lock: stages the repair and its statistics.
Status Repair(Storage::Impl* impl, const TableMeta& meta, const IndexMeta& index, uint64_t run,
              const Record& r, rocksdb::WriteBatch* batch, IndexStatsDelta* delta) {
  StoredVersion latest;
  if (Status s = impl->ReadLatestSlot(meta.id, r.user_key, &latest); !s.ok()) return s;
  std::vector<IndexEntry> now;
  std::string_view json;
  size_t size = 0;
  if (latest.ItemJson(&json, &size)) {
    if (Status s = EntriesOfItem(meta, {&index}, json, size, &now); !s.ok()) return s;
  }
  const IndexEntry* entry = now.empty() ? nullptr : &now.front();
  const bool same_key = entry && entry->index_key == r.index_key;
  const std::string key = layout::IndexEntryKey(meta.id, index.id, r.index_key, r.user_key);
  if (r.run != run) {
    // Not in this run's files: count what is stored under the key now (only the commit path's
    // entries, ts > M, are counted) against what the repair leaves.
    std::string value;
    rocksdb::Status g = impl->db->Get(rocksdb::ReadOptions(), key, &value);
    if (!g.ok() && !g.IsNotFound()) return FromRocks(g);
    uint64_t ts = 0;
    size_t key_size = 0, stored_size = 0;
    std::string_view stored_json;
    if (g.ok() && layout::ParseIndexEntryValue(value, &ts, &key_size, &stored_json, &stored_size) &&
        ts > index.maintained_since_ts) {
      delta->count -= 1;
      delta->bytes -= static_cast<int64_t>(stored_size);
    }
    if (same_key) {
      delta->count += 1;
      delta->bytes += static_cast<int64_t>(entry->size);
    }
  }
  if (same_key) {
    batch->Put(
        key, layout::IndexEntryValue(latest.ts, entry->index_key.size(), entry->json, entry->size));
  } else {
    batch->Delete(key);
  }
  batch->Delete(r.key);
  return Status::OK();
}

// Whether the index is still CREATING in a live table (the backfill's work is still wanted).
bool StillCreating(Storage::Impl* impl, const LiveTable& table, uint32_t index_id)
    REQUIRES(impl->write_mu) {
  const std::shared_ptr<const TableMeta>& meta = impl->CommitCatalog(table).meta;
  if (!meta || !impl->TableLive(meta->id)) return false;
  const IndexMeta* now = FindIndexById(*meta, index_id);
  return now && now->status == "CREATING";
}

void AddStats(LiveIndex* live, const IndexStatsDelta& delta) {
  live->item_count += delta.count;
  live->size_bytes += delta.bytes;
}

}  // namespace

void Storage::Impl::RunBackfill(uint64_t table_id, uint32_t index_id) {
  std::shared_ptr<LiveTable> table = LiveFor(table_id);
  if (!table) return;
  // Step 1: the snapshot and the run id, in one instant of the commit order.
  const uint64_t run = NewRunId();
  std::shared_ptr<LiveIndex> live;
  std::shared_ptr<const TableMeta> meta;
  const rocksdb::Snapshot* snap = nullptr;
  {
    CommitLock wlock(&write_mu);
    const LiveTable::Catalogued& catalogued = CommitCatalog(*table);
    auto it = catalogued.indexes.find(index_id);
    const IndexMeta* index = catalogued.meta ? FindIndexById(*catalogued.meta, index_id) : nullptr;
    if (it == catalogued.indexes.end() || !index || index->status != "CREATING") return;
    live = it->second;
    meta = catalogued.meta;
    snap = db->GetSnapshot();
    BackfillRun(*live) = run;
  }
  SnapshotHolder snapshot(db.get(), snap);
  Step("snapshot");
  const IndexMeta& index = *FindIndexById(*meta, index_id);
  auto pause = [] { std::this_thread::sleep_for(std::chrono::seconds(1)); };
  const std::string dir = BulkLoadDir(options.data_dir) + "/backfill-" + std::to_string(table_id) +
                          "-" + std::to_string(index_id);

  // Steps 2 and 3. An error (I/O, a full disk) is retried from the same snapshot: the run's
  // files must hold what the snapshot holds, which the commit path's statistics assume.
  for (bool ingested = false; !ingested;) {
    if (index_jobs_stopping) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir, ec);
    IndexStatsDelta added;
    Status s;
    {
      IndexRunSorter sorter(db->GetOptions(), dir, "run-", kRunBytes);
      s = ec ? Status::IOError("cannot create " + dir + ": " + ec.message())
             : BuildRuns(this, *meta, index, index.maintained_since_ts, snapshot.get(), &sorter,
                         &added);
      // The index's catalog entry (and the clock lease of the versions) must be on file
      // before entries that rely on it are: an ingest is durable at once.
      if (s.ok()) s = SyncWal(/*fsync=*/true);
      // The ingest flushes the memtable if it overlaps the files (it holds index entries the
      // commit path wrote): flushing first, without the lock, keeps that flush small.
      if (s.ok() && sorter.entries() > 0) {
        rocksdb::FlushOptions flush;
        flush.allow_write_stall = true;
        s = FromRocks(db->Flush(flush));
      }
      if (s.ok()) s = gate.Check();
      if (s.ok() && !sorter.files().empty()) {
        // Without the commit lock: the ingest fsyncs the files and the MANIFEST, which would
        // stall every writer for tens of milliseconds. A commit racing with it is ordered
        // before it (its records are repaired) or after it (it supersedes the files).
        rocksdb::IngestExternalFileOptions ingest;
        ingest.move_files = true;           // hard links: no copy of the data
        ingest.write_global_seqno = false;  // no rewrite of the files
        ingest.allow_blocking_flush = true;
        s = FromRocks(db->IngestExternalFile(sorter.files(), ingest));
      }
      if (s.ok()) {
        CommitLock wlock(&write_mu);
        if (!StillCreating(this, *table, index_id)) {
          // The table or the index was deleted meanwhile, perhaps before the ingest: its
          // DeleteRange may precede the entries, so they go again (ids are never reused).
          rocksdb::WriteBatch drop;
          drop.DeleteRange(layout::IndexPrefix(table_id, index_id),
                           layout::IndexEnd(table_id, index_id));
          (void)Apply(&drop);  // an error: leftovers of a dead id, never read
          return;
        }
        AddStats(live.get(), added);
        ingested = true;
      }
    }
    std::filesystem::remove_all(dir, ec);
    if (index_jobs_stopping) return;
    if (!s.ok()) pause();
  }
  snapshot.Release();
  stats_dirty.store(true, std::memory_order_relaxed);
  Step("ingested");

  // Step 4, in chunks, until few records are left for step 5.
  std::vector<Record> records;
  for (;;) {
    if (index_jobs_stopping) return;
    if (Status s = ReadRecords(db.get(), table_id, index_id, kRepairChunk, &records); !s.ok()) {
      pause();
      continue;
    }
    if (records.size() < kRepairChunk) break;
    CommitLock wlock(&write_mu);
    if (!StillCreating(this, *table, index_id)) return;
    rocksdb::WriteBatch batch;
    IndexStatsDelta delta;
    Status s;
    for (const Record& r : records) {
      s = Repair(this, *meta, index, run, r, &batch, &delta);
      if (!s.ok()) break;
    }
    if (s.ok()) s = Apply(&batch);
    if (!s.ok()) {
      pause();
      continue;
    }
    AddStats(live.get(), delta);
  }

  // Step 5: the rest of the records, repaired in the batch that makes the index ACTIVE.
  for (;;) {
    if (index_jobs_stopping) return;
    IndexStatsDelta delta;
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
        [&](rocksdb::WriteBatch& b) {
          // Under the commit lock: no record can appear meanwhile.
          Status rs = ReadRecords(db.get(), table_id, index_id, 0, &records);
          for (size_t i = 0; rs.ok() && i < records.size(); ++i) {
            rs = Repair(this, *meta, index, run, records[i], &b, &delta);
          }
          b.DeleteRange(layout::BackfillKey(table_id, index_id),
                        layout::BackfillKey(table_id, index_id + 1));
          return rs;
        });
    if (s.IsNotFound()) return;  // removed or deleted meanwhile
    if (s.ok()) {
      AddStats(live.get(), delta);
      CommitLock wlock(&write_mu);
      BackfillRun(*live) = 0;
      stats_dirty.store(true, std::memory_order_relaxed);
      return;
    }
    pause();  // an I/O error: again (a restart would also resume it)
  }
}

}  // namespace tideline::storage
