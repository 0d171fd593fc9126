#include "restore/restore_service.h"

#include <spdlog/spdlog.h>

#include "storage/bulk_load.h"

namespace tideline::restore {

namespace {

// How often the copy looks at stopping_ (an atomic load per item would cost little, but nothing).
constexpr int64_t kItemsPerStopCheck = 4096;

}  // namespace

RestoreService::~RestoreService() { Stop(); }

void RestoreService::Stop() {
  stopping_ = true;
  common::MutexLock lock(&mu_);
  for (auto& job : jobs_) {
    if (job.thread.joinable()) job.thread.join();
  }
}

std::vector<std::string> RestoreService::DropIncompleteRestores() {
  std::vector<std::string> dropped;
  for (const auto& table : storage_.ListTables()) {
    if (!table->restore_in_progress) continue;
    Status s = storage_.DeleteTable(table->name);
    if (!s.ok()) {
      spdlog::error("cannot remove the incomplete restored table {}: {}", table->name,
                    s.ToString());
      continue;
    }
    dropped.push_back(table->name);
  }
  return dropped;
}

void RestoreService::Start(std::shared_ptr<const storage::TableMeta> target, uint64_t source_id,
                           uint64_t as_of_us, std::shared_ptr<storage::Storage::HistoryPin> pin) {
  common::MutexLock lock(&mu_);
  // Reap the threads of finished restores.
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->done.load()) {
      it->thread.join();
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
  Job& job = jobs_.emplace_back();
  job.thread = std::thread([this, &job, target = std::move(target), source_id, as_of_us,
                            pin = std::move(pin)]() mutable {
    try {
      Copy(*target, source_id, as_of_us);
    } catch (const std::exception& e) {  // out of memory: the restore fails, the server goes on
      Abandon(*target, e.what());
    }
    pin.reset();
    job.done = true;
  });
}

void RestoreService::Copy(const storage::TableMeta& target, uint64_t source_id, uint64_t as_of_us) {
  // The items go into SST files that are ingested at once (storage/bulk_load.h): nothing passes
  // through the commit lock, the memtable or the WAL, so the restore neither stalls the writes
  // of other tables nor leaves compaction debt, and its cost grows linearly with the data.
  std::unique_ptr<storage::BulkLoader> loader;
  Status s = storage::BulkLoader::Start(storage_, target, storage::BulkLoadOptions{}, &loader);
  if (!s.ok()) return Abandon(target, s.ToString());
  auto cursor = storage_.NewCursor(source_id, as_of_us, "", "", /*reverse=*/false,
                                   /*bulk=*/true);
  // The cursor yields the source's user keys in ascending order, the order the loader needs:
  // the key encoding depends only on the key schema, which the target shares.
  for (; cursor->Valid(); cursor->Next()) {
    if (loader->items() % kItemsPerStopCheck == 0 && stopping_) {
      return;  // the loader removes its files; the table stays incomplete and the next start
               // removes it
    }
    s = loader->Add(cursor->user_key(), cursor->item_json(), cursor->item_size());
    if (!s.ok()) return Abandon(target, s.ToString());
  }
  if (s = cursor->status(); !s.ok()) return Abandon(target, s.ToString());
  // Durable once it returns (synced files, synced MANIFEST); visible to clients only after the
  // catalog write below.
  s = loader->Finish();
  if (s.IsNotFound()) {
    spdlog::warn("restore into {} stopped: the table was deleted", target.name);
    return;
  }
  if (!s.ok()) return Abandon(target, s.ToString());

  // Finished: the table turns ACTIVE. Re-read it so a tag or setting changed meanwhile stays.
  auto current = storage_.FindTable(target.name);
  if (!current || current->id != target.id) return;
  storage::TableMeta done = *current;
  done.restore_in_progress = false;
  if (s = storage_.UpdateTable(done); !s.ok()) return Abandon(target, s.ToString());
  spdlog::info("restored {} items into {} ({} files ingested)", loader->items(), target.name,
               loader->files());
}

void RestoreService::Abandon(const storage::TableMeta& target, const std::string& why) {
  spdlog::error("restore into {} failed: {}", target.name, why);
  auto current = storage_.FindTable(target.name);
  if (current && current->id == target.id) (void)storage_.DeleteTable(target.name);
}

}  // namespace tideline::restore
