#pragma once
// WalSyncer: the wal-sync thread, group commit of WAL fsyncs (with sync_writes only).
//
// LevelDB's writer queue, for the fsync alone: waiters queue their callbacks; the thread takes
// every waiter queued, runs one sync (a write-out and fsync of the WAL buffer, which covers
// whatever was appended meanwhile too) and hands its status to all of them. While it syncs,
// the next group queues, so under load one fsync serves many requests and no event-loop thread
// ever blocks on one.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"

namespace tideline::storage {

class WalSyncer {
 public:
  using Done = std::function<void(Status)>;
  // `sync` makes durable every write made before it is called; it runs on the thread only.
  explicit WalSyncer(std::function<Status()> sync);
  // Completes every waiter still queued (after one last sync), then joins the thread.
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Queues done(status) for the next sync. Called on the wal-sync thread: keep it short.
  void Enqueue(Done done);

 private:
  void Loop();

  const std::function<Status()> sync_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Done> queue_;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_
  std::thread thread_;
};

}  // namespace tideline::storage
