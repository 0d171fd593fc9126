#pragma once
// RestoreService: the background half of RestoreTableToPointInTime. The request creates the
// target table at once (CREATING: restore_in_progress set) and hands it here; a thread of the
// service copies the source's items as they were at the restore time into it with a
// storage::BulkLoader (SST files ingested at once, durable when the ingest returns), then clears
// restore_in_progress with a durable catalog write: the table turns ACTIVE only once every
// copied item is durable. A restore cut short by a shutdown or a crash leaves an incomplete
// table (and no ingested item); the next start removes it (DropIncompleteRestores).

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "storage/storage.h"

namespace tideline::restore {

class RestoreService {
 public:
  explicit RestoreService(storage::Storage& storage) : storage_(storage) {}
  ~RestoreService();  // Stop()
  // Stops the copies in flight (their tables stay incomplete) and waits for their threads. Call
  // before the storage closes.
  void Stop();
  RestoreService(const RestoreService&) = delete;
  RestoreService& operator=(const RestoreService&) = delete;

  // Removes the tables that interrupted restores left behind; returns their names.
  std::vector<std::string> DropIncompleteRestores();

  // Copies the items of table `source_id` visible at `as_of_us` into `target` (just created,
  // empty, restore_in_progress set). `pin` keeps that history of the source until the copy ends.
  void Start(std::shared_ptr<const storage::TableMeta> target, uint64_t source_id,
             uint64_t as_of_us, std::shared_ptr<storage::Storage::HistoryPin> pin);

 private:
  struct Job {
    std::thread thread;
    std::atomic<bool> done{false};  // the thread has finished and can be joined
  };
  void Copy(const storage::TableMeta& target, uint64_t source_id, uint64_t as_of_us);
  // Gives up on a restore: its table is removed (the restore failed).
  void Abandon(const storage::TableMeta& target, const std::string& why);

  storage::Storage& storage_;
  std::atomic<bool> stopping_{false};
  common::Mutex mu_;
  std::list<Job> jobs_ GUARDED_BY(mu_);
};

}  // namespace tideline::restore
