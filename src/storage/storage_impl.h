#pragma once
// Storage::Impl: shared by storage.cc (catalog, meta, clock), write_txn.cc and item_cursor.cc.

#include <pthread.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "storage/commit_clock.h"
#include "storage/data_dir_lock.h"
#include "storage/disk_reserve.h"
#include "storage/history_gc.h"
#include "storage/item_collections.h"
#include "storage/key_layout.h"
#include "storage/storage.h"
#include "storage/wal_syncer.h"
#include "storage/write_gate.h"

namespace tideline::storage {

// The commit lock. Commits hold it for a few microseconds; an adaptive mutex spins briefly
// before sleeping, which spares a contended writer the futex sleep and context switch. A
// capability, so that clang's -Wthread-safety checks what is documented "Under write_mu".
class CAPABILITY("mutex") CommitMutex {
 public:
  CommitMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&mu_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~CommitMutex() { pthread_mutex_destroy(&mu_); }
  CommitMutex(const CommitMutex&) = delete;
  CommitMutex& operator=(const CommitMutex&) = delete;
  void lock() ACQUIRE() { pthread_mutex_lock(&mu_); }
  void unlock() RELEASE() { pthread_mutex_unlock(&mu_); }

 private:
  pthread_mutex_t mu_;
};

// Holds a CommitMutex for a scope (std::lock_guard carries no annotations in libstdc++, so the
// analysis would not see it held).
class SCOPED_CAPABILITY CommitLock {
 public:
  explicit CommitLock(CommitMutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~CommitLock() RELEASE() { mu_->unlock(); }
  CommitLock(const CommitLock&) = delete;
  CommitLock& operator=(const CommitLock&) = delete;

 private:
  CommitMutex* const mu_;
};

// What storage keeps in memory about one secondary index.
struct LiveIndex {
 public:
  std::atomic<int64_t> item_count{0};
  std::atomic<int64_t> size_bytes{0};

 private:
  friend struct Storage::Impl;
  // Nonzero while a backfill of this CREATING index runs in this process: the id of the run,
  // set when it took its snapshot of the table. The entries of the item versions not newer than
  // the index's maintained_since_ts that the snapshot holds are the run's to ingest: from then
  // on they count as stored (index_backfill.cc). Reached through Impl::BackfillRun, which
  // REQUIRES write_mu.
  uint64_t backfill_run_ = 0;
};

// What the commit path needs of a table at hand: its statistics, whether a write must keep
// the version it supersedes (see key_layout.h), and whether the table is gone. The inputs of
// keep_history() and `dropped` change under the commit lock, so every commit sees them
// consistently.
struct LiveTable {
 public:
  std::atomic<int64_t> item_count{0};
  std::atomic<int64_t> size_bytes{0};
  std::atomic<bool> pitr_enabled{false};
  std::atomic<int> pins{0};
  // Set by DeleteTable: a write that read its items before the deletion must not commit after
  // it (its keys would outlive the table's DeleteRange).
  std::atomic<bool> dropped{false};
  bool keep_history() const { return pitr_enabled.load() || pins.load() > 0; }

  // The table's current metadata, for the indexes a commit maintains, and the live state of
  // each of its indexes by id. Changed (by InstallMeta) under write_mu and catalog_mu both, so
  // read under either: a commit reads it under write_mu, everything else under catalog_mu.
  struct Catalogued {
    std::shared_ptr<const TableMeta> meta;
    std::map<uint32_t, std::shared_ptr<LiveIndex>> indexes;
  };

 private:
  // Clang's analysis cannot name Impl's locks from here, nor say "either of two": the state is
  // private, and Impl's accessors (Catalog, CommitCatalog, MutableCatalog) each REQUIRE the
  // lock they rely on.
  friend struct Storage::Impl;
  Catalogued catalogued_;
  // The sizes of its LSI item collections known so far (item_collections.h), under write_mu.
  ItemCollectionSizes collection_sizes_;
};

// One stored version of an item as a point read finds it.
struct StoredVersion {
  bool present = false;  // false: no version visible (never written, collected, or out of range)
  uint64_t ts = 0;       // its commit ts
  std::string version;   // 'P' varint(size) json | 'D'
  // The item's wire JSON; false when there is no version or it is a deletion.
  bool ItemJson(std::string_view* json, size_t* size = nullptr) const {
    size_t ignored = 0;
    return present && layout::ParseVersion(version, json, size ? size : &ignored);
  }
};

class Storage::HistoryPin {
 public:
  HistoryPin(Storage::Impl* impl, uint64_t table_id, uint64_t ts)
      : impl_(impl), table_id_(table_id), ts_(ts) {}
  ~HistoryPin();
  uint64_t table_id() const { return table_id_; }
  uint64_t ts() const { return ts_; }

 private:
  Storage::Impl* impl_;
  uint64_t table_id_;
  uint64_t ts_;
};

struct Storage::Impl {
  std::unique_ptr<DataDirLock> dir_lock;  // first in, last out: held while anything runs
  StorageOptions options;
  std::unique_ptr<rocksdb::Env> fault_env;  // outlives db; set by --testing-fault-file only
  WriteGate gate;                           // outlives db, whose listener reports to it
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::WriteOptions write_options;  // never sync: SyncWal writes out (and fsyncs) for a group

  // Group commit. The DB runs with manual_wal_flush: a write leaves its WAL record in RocksDB's
  // buffer until SyncWal writes the buffer out (one write(), plus one fsync with --sync, for
  // every write since the last flush). Three counts of writes, all rising:
  //   wal_begun     counted before the write enters the DB: a reader that sees a write's
  //                 effect also sees the count, so a Fence() taken after the read covers it;
  //   wal_appended  counted after the write's WAL record is in the buffer;
  //   wal_flushed   the wal_appended read just before a flush that completed, so every
  //                 write it counts is on file (IsDurable). Writes and flushes are serialised
  //                 on wal_io_mu, so a flush sees wal_appended == wal_begun.
  // A DurablePoint is a wal_begun value. A write that fails is uncounted again, so a point
  // taken meanwhile may stay ahead of wal_flushed until the next write: the waiters do not
  // compare counts after a flush, they rely on the flush having started after their point.
  std::atomic<uint64_t> wal_begun{0};
  std::atomic<uint64_t> wal_appended{0};
  std::atomic<uint64_t> wal_flushed{0};
  common::Mutex wal_mu ACQUIRED_BEFORE(wal_io_mu);  // serialises SyncWal
  // Held by every DB::Write and every FlushWAL (and by recovery): a write never overlaps a WAL
  // flush, so none can reach a WAL writer that a failed flush left broken (write_gate.h).
  common::Mutex wal_io_mu;
  // With sync_writes: the wal-sync thread, which fsyncs for every waiter queued meanwhile.
  // Without, WhenDurable writes the buffer out inline (a write() to the page cache: cheaper
  // than a hop to another thread).
  std::unique_ptr<WalSyncer> syncer;
  // Writes a batch into the WAL buffer and the memtable: visible at once, durable after the
  // next SyncWal. Every write to the DB goes through here, so the counters see all of them.
  // Unavailable while the gate is closed.
  Status Apply(rocksdb::WriteBatch* batch);
  // Writes out the WAL buffer unless every write begun is already on file; fsync: also
  // fsync the WAL file. Covers every write that returned (or was seen) before the call.
  Status SyncWal(bool fsync);

  // Per-item locks held across a read-modify-write (Storage::Write, key_locks.h).
  KeyLockTable key_locks;
  // Serialises commits: a timestamp is assigned and its batch written under this lock, so
  // every ts <= clock.last() is visible once the lock is released. Held only for that (and
  // for catalog changes), never across a read-modify-write.
  CommitMutex write_mu;
  CommitClock clock;
  // Under write_mu: stores the lease the clock needs for Now() to answer the wall clock.
  Status ExtendLease() REQUIRES(write_mu);
  // Under write_mu: a commit timestamp for a write that is not a WriteTxn (a bulk load),
  // storing a new clock lease first when the timestamp passes the current one.
  Status NextCommitTs(uint64_t* ts) REQUIRES(write_mu);
  // Under write_mu: writes `lease` (in the WAL buffer, ahead of any commit that relies on it).
  Status StoreLease(uint64_t lease) REQUIRES(write_mu);

  // Faults: the gate in front of every write, the space held in reserve, and the thread that
  // watches the free space and recovers from write errors (recovery.cc).
  std::unique_ptr<DiskReserve> reserve;
  uint64_t disk_floor = 0;  // free bytes under which writes are refused
  std::thread recovery;
  common::Mutex recovery_mu;
  common::CondVar recovery_cv;  // recovery_stopping set
  bool recovery_stopping GUARDED_BY(recovery_mu) = false;
  uint64_t wal_at_failure = 0;  // the WAL file number when a WAL-suspect error was seen
  void RecoveryLoop();
  void WatchDisk();
  bool TryRecover();

  // Readers take it shared; catalog changes take it exclusively, inside write_mu.
  mutable common::SharedMutex catalog_mu ACQUIRED_AFTER(write_mu);
  std::map<std::string, std::shared_ptr<const TableMeta>, std::less<>> tables
      GUARDED_BY(catalog_mu);
  std::unordered_map<uint64_t, std::shared_ptr<LiveTable>> live GUARDED_BY(catalog_mu);
  uint64_t next_table_id GUARDED_BY(catalog_mu) = 1;
  // A LiveTable's catalogued state (meta, indexes): read under catalog_mu (shared)...
  const LiveTable::Catalogued& Catalog(const LiveTable& table) const REQUIRES_SHARED(catalog_mu) {
    return table.catalogued_;
  }
  // ... or under write_mu (the commit path, which does not take catalog_mu) ...
  const LiveTable::Catalogued& CommitCatalog(const LiveTable& table) const REQUIRES(write_mu) {
    return table.catalogued_;
  }
  // ... and changed under both.
  LiveTable::Catalogued& MutableCatalog(LiveTable& table) REQUIRES(write_mu, catalog_mu) {
    return table.catalogued_;
  }
  // The id of the backfill run of an index (LiveIndex::backfill_run_), which moves under
  // write_mu only.
  uint64_t& BackfillRun(LiveIndex& index) REQUIRES(write_mu) { return index.backfill_run_; }
  uint64_t BackfillRun(const LiveIndex& index) const REQUIRES(write_mu) {
    return index.backfill_run_;
  }
  // A table's known LSI item collection sizes (item_collections.h), used under write_mu only.
  ItemCollectionSizes& CollectionSizes(LiveTable& table) REQUIRES(write_mu) {
    return table.collection_sizes_;
  }
  // Under write_mu (item_collections.cc): adds to *over_ops the ops of `changes` (a commit's
  // changes to the collections of `table`) that grow a collection past the limit, measuring
  // the collections not known yet; then, once the commit is applied, ApplyItemCollections.
  Status CheckItemCollections(const Storage& storage, LiveTable& table, const TableMeta& meta,
                              const std::vector<CollectionChange>& changes,
                              std::vector<size_t>* over_ops) REQUIRES(write_mu);
  void ApplyItemCollections(LiveTable& table, const std::vector<CollectionChange>& changes)
      REQUIRES(write_mu);
  // Whether the entry of an item version (commit ts `ts`, not staged) in `index` counts as
  // stored.
  bool EntryStored(const LiveTable& table, const IndexMeta& index, uint64_t ts) const
      REQUIRES(write_mu);

  // Table statistics live in memory; a background thread persists them when dirty, and a
  // clean close persists them and leaves the clean-shutdown marker. Without the marker, Open
  // recounts them from the items (a crash may have lost the latest persisted values).
  std::atomic<bool> stats_dirty{false};
  std::thread stats_flusher;
  common::Mutex flusher_mu;
  common::CondVar flusher_cv;  // stopping set
  bool stopping GUARDED_BY(flusher_mu) = false;
  Status PersistStats() EXCLUDES(catalog_mu);
  Status RecountStats() EXCLUDES(catalog_mu);
  // Counts the entries of one index (after an unclean shutdown).
  // Counts the entries of an index; only those with a ts above `above_ts` (a backfilling index
  // counts only the commit path's entries: its backfill adds its own when it ingests them).
  Status RecountIndexStats(uint64_t table_id, uint32_t index_id, LiveIndex* out,
                           uint64_t above_ts = 0);

  // Secondary indexes (index_jobs.cc): background backfills and removals, one thread each.
  common::Mutex index_jobs_mu;
  std::vector<std::thread> index_jobs GUARDED_BY(index_jobs_mu);
  std::atomic<bool> index_jobs_stopping{false};
  void StopIndexJobs();
  // Installs `meta` as the table's metadata in memory (catalog map, the LiveTable's meta, a
  // LiveIndex for each new index).
  void InstallMeta(std::shared_ptr<const TableMeta> meta) REQUIRES(write_mu, catalog_mu);
  // Applies `change` to the stored metadata of table `table_id` durably, under write_mu and
  // catalog_mu; `extra` (optional) adds writes to the same batch, and an error from it cancels
  // the change. NotFound: no such table, or `change` returned false (nothing to do).
  Status MutateTable(uint64_t table_id, const std::function<bool(TableMeta&)>& change,
                     const std::function<Status(rocksdb::WriteBatch&)>& extra = nullptr);
  // Under write_mu and catalog_mu (stream_log.cc): the descriptor changes of a table going from
  // `before` (null: a new table) to `after` (null: deleted), staged into `batch`: the enabled
  // stream closes at the last commit when the view type is cleared, the label changes or the
  // table goes; a new label with a view type opens a stream there.
  Status StageStreamTransition(const TableMeta* before, const TableMeta* after,
                               rocksdb::WriteBatch* batch);
  void RunBackfill(uint64_t table_id, uint32_t index_id);  // index_backfill.cc
  void RunRemoval(uint64_t table_id, uint32_t index_id);
  void LaunchIndexJob(std::function<void()> job);
  // Open: restarts the backfills of CREATING indexes and the removals of DELETING ones.
  void ResumeIndexJobs();

  mutable common::Mutex pins_mu ACQUIRED_AFTER(catalog_mu);
  // table id -> pinned ts (also counted in LiveTable)
  std::multimap<uint64_t, uint64_t> pins GUARDED_BY(pins_mu);
  // Durable snapshots by name (each also counted in its LiveTable's pins while the table lives),
  // and the deleted tables whose items they keep (snapshots.cc).
  std::map<std::string, std::shared_ptr<const Storage::Snapshot>, std::less<>> snapshots
      GUARDED_BY(pins_mu);
  std::set<uint64_t> retained GUARDED_BY(pins_mu);
  // Open: loads the snapshots and the retained tables, and removes the items of a retained
  // table nothing pins any more (a crash came between its last release and the removal).
  Status LoadSnapshots();
  // Under write_mu: removes the items of deleted table `table_id` if no snapshot and no
  // HistoryPin holds it (then it is no longer retained).
  Status PurgeIfUnpinned(uint64_t table_id) REQUIRES(write_mu);
  // Whether a HistoryPin or a snapshot (other than `except_snapshot`) holds the table.
  bool PinnedLocked(uint64_t table_id, std::string_view except_snapshot = {}) const
      REQUIRES(pins_mu);

  std::shared_ptr<LiveTable> LiveFor(uint64_t table_id) const EXCLUDES(catalog_mu);
  bool TableLive(uint64_t table_id) const EXCLUDES(catalog_mu);
  std::shared_ptr<const CutMap> ComputeCuts() const;
  // The latest slot of an item: one point lookup.
  Status ReadLatestSlot(uint64_t table_id, std::string_view user_key, StoredVersion* out,
                        const rocksdb::Snapshot* snapshot = nullptr) const;
  // The version visible at as_of: the latest slot if it is old enough, else the history entry
  // whose lifetime covers as_of.
  Status ReadAsOf(uint64_t table_id, std::string_view user_key, uint64_t as_of,
                  StoredVersion* out) const;
};

uint64_t WallClockMicros();
// Puts the commit clock's new lease into `batch` (commit_clock.h): alone by StoreLease, or in
// the batch of the commit whose timestamp passes the old lease.
void AppendLease(rocksdb::WriteBatch* batch, uint64_t lease);
void DisablePerfCountersOnThisThread();
std::unique_ptr<ItemCursor> NewMvccCursor(rocksdb::DB* db, uint64_t table_id, uint64_t as_of,
                                          std::string lower, std::string upper, bool reverse,
                                          bool bulk = false);
// Read options for iterators that cross items (scans): they must ignore the prefix blooms.
rocksdb::ReadOptions TotalOrderReadOptions();

// RocksDB's own Busy (not raised without its transaction layer) is an IOError here: Status::Busy
// of storage means an item held by a transaction (key_locks.h), which clients see as a conflict.
inline Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IOError(s.ToString());
}

}  // namespace tideline::storage
