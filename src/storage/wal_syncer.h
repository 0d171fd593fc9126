#pragma once
// WalSyncer: the wal-sync thread, group commit of WAL fsyncs (with sync_writes only).
//
// LevelDB's writer queue, for the fsync alone: waiters queue their callbacks; the thread takes
// every waiter queued, runs one sync (a write-out and fsync of the WAL buffer, which covers
// whatever was appended meanwhile too) and hands its status to all of them. While it syncs,
// the next group queues, so under load one fsync serves many requests and no event-loop thread
// ever blocks on one.

#include <functional>
#include <thread>
#include <vector>

#include "common/mutex.h"
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
  common::Mutex mu_;
  common::CondVar cv_;  // a waiter queued, or stopping_ set
  std::vector<Done> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tideline::storage
