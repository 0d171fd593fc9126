#pragma once
// The expiry sweeper: one background thread that deletes what has outlived its time.
//   - Time to Live: every `ttl_interval` it scans each table with TTL enabled and deletes the
//     expired items (ttl_expiry.h) through Storage::Write, in groups of a few items under their
//     per-item locks, re-checking each item's expiry under the lock (an item updated meanwhile
//     is kept). A deletion is an ordinary write: history, indexes and a stream REMOVE record that
//     names the service (WriteOrigin::kTimeToLive). Small groups and one scan chunk at a time
//     keep foreground writes from waiting on it. Nothing is persisted: the TTL settings are in
//     the catalog, so a restarted server simply sweeps again.
//   - Streams: every minute, records and disabled streams older than 24 hours are removed
//     (Storage::TrimStreams).
// docs/threads.md lists the thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "common/mutex.h"
#include "storage/storage.h"

namespace tideline::storage {

struct ExpirySweeperOptions {
  std::chrono::milliseconds ttl_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds stream_trim_interval{std::chrono::minutes(1)};
};

class ExpirySweeper {
 public:
  // Starts the thread; `storage` must outlive the sweeper.
  ExpirySweeper(Storage* storage, ExpirySweeperOptions options);
  ~ExpirySweeper();  // stops the thread (an ongoing group of deletions completes first)
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  // One TTL pass over every table now, on the caller's thread; returns the items deleted.
  uint64_t SweepOnce();

 private:
  void Run();
  uint64_t SweepTable(const TableMeta& table);
  bool Stopping();

  Storage* storage_;
  ExpirySweeperOptions options_;
  common::Mutex mu_;
  common::CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tideline::storage
