#pragma once
// Storage::Impl: shared by storage.cc (catalog, meta, clock), write_txn.cc and item_cursor.cc.

#include <rocksdb/db.h>

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <thread>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "storage/history_gc.h"
#include "storage/storage.h"

namespace tideline::storage {

// The commit lock. Commits hold it for a few microseconds; an adaptive mutex spins briefly
// before sleeping, which spares a contended writer the futex sleep and context switch.
class CommitMutex {
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
  void lock() { pthread_mutex_lock(&mu_); }
  void unlock() { pthread_mutex_unlock(&mu_); }

 private:
  pthread_mutex_t mu_;
};

struct LiveStats {
  std::atomic<int64_t> item_count{0};
  std::atomic<int64_t> size_bytes{0};
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
  StorageOptions options;
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::WriteOptions write_options;

  // Serialises commits: a timestamp is assigned and its batch written under this lock, so
  // every ts <= last_commit_ts is visible once the lock is released.
  CommitMutex write_mu;
  std::atomic<uint64_t> last_commit_ts{0};

  mutable std::shared_mutex catalog_mu;
  std::map<std::string, std::shared_ptr<const TableMeta>, std::less<>> tables;
  std::unordered_map<uint64_t, std::shared_ptr<LiveStats>> stats;
  uint64_t next_table_id = 1;

  // Table statistics live in memory; a background thread persists them when dirty, and a
  // clean close persists them and leaves the clean-shutdown marker. Without the marker, Open
  // recounts them from the items (a crash may have lost the latest persisted values).
  std::atomic<bool> stats_dirty{false};
  std::thread stats_flusher;
  std::mutex flusher_mu;
  std::condition_variable flusher_cv;
  bool stopping = false;
  Status PersistStats();
  Status RecountStats();

  std::mutex pins_mu;
  std::multimap<uint64_t, uint64_t> pins;  // table id -> pinned ts

  // A commit timestamp strictly greater than every earlier one. Caller holds write_mu.
  uint64_t NextCommitTs();
  std::shared_ptr<LiveStats> StatsFor(uint64_t table_id);
  bool TableLive(uint64_t table_id) const;
  std::shared_ptr<const CutMap> ComputeCuts() const;
  Status ReadLatest(uint64_t table_id, std::string_view user_key, uint64_t as_of,
                    std::string* raw_value, bool* found) const;
};

uint64_t WallClockMicros();
void DisablePerfCountersOnThisThread();
std::unique_ptr<ItemCursor> NewMvccCursor(rocksdb::DB* db, uint64_t table_id, uint64_t as_of,
                                          std::string lower, std::string upper, bool reverse);
// Read options for iterators that cross items (scans): they must ignore the prefix blooms.
rocksdb::ReadOptions TotalOrderReadOptions();

inline Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  if (s.IsBusy()) return Status::Busy(s.ToString());
  return Status::IOError(s.ToString());
}

}  // namespace tideline::storage
