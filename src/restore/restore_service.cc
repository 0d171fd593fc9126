#include "restore/restore_service.h"

#include <spdlog/spdlog.h>

#include "common/api_error.h"

namespace tideline::restore {

namespace {

// Items per commit: large enough that commits cost little per item, small enough that a commit
// holds the commit lock only briefly while clients write to other tables.
constexpr size_t kItemsPerCommit = 256;
constexpr size_t kBytesPerCommit = 1 << 20;

struct CopiedItem {
  std::string user_key;
  std::string item_json;
  size_t item_size;
};

}  // namespace

RestoreService::~RestoreService() { Stop(); }

void RestoreService::Stop() {
  stopping_ = true;
  std::lock_guard lock(mu_);
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
  std::lock_guard lock(mu_);
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
    Copy(*target, source_id, as_of_us);
    pin.reset();
    job.done = true;
  });
}

void RestoreService::Copy(const storage::TableMeta& target, uint64_t source_id,
                          uint64_t as_of_us) {
  size_t copied = 0;
  try {
    auto cursor = storage_.NewCursor(source_id, as_of_us, "", "", /*reverse=*/false,
                                     /*bulk=*/true);
    std::vector<CopiedItem> chunk;
    while (cursor->Valid()) {
      if (stopping_) return;  // the table stays incomplete; the next start removes it
      chunk.clear();
      size_t bytes = 0;
      for (; cursor->Valid() && chunk.size() < kItemsPerCommit && bytes < kBytesPerCommit;
           cursor->Next()) {
        chunk.push_back({std::string(cursor->user_key()), std::string(cursor->item_json()),
                         cursor->item_size()});
        bytes += cursor->item_json().size();
      }
      // The key encoding depends only on the key schema, which the target shares. The target
      // is new and each key comes once, so no old version needs reading.
      Status s = storage_.Write([&](storage::WriteTxn& txn) {
        for (auto& item : chunk) {
          txn.PutAbsent(target, item.user_key, std::move(item.item_json), item.item_size);
        }
      });
      if (!s.ok()) return Abandon(target, s.ToString());
      copied += chunk.size();
    }
    if (Status s = cursor->status(); !s.ok()) return Abandon(target, s.ToString());
  } catch (const ApiError& e) {
    // The target was deleted under the copy.
    spdlog::warn("restore into {} stopped: {}", target.name, e.message());
    return;
  } catch (const std::exception& e) {
    return Abandon(target, e.what());
  }

  // Finished: the table turns ACTIVE. Re-read it so a tag or setting changed meanwhile stays.
  auto current = storage_.FindTable(target.name);
  if (!current || current->id != target.id) return;
  storage::TableMeta done = *current;
  done.restore_in_progress = false;
  if (Status s = storage_.UpdateTable(done); !s.ok()) return Abandon(target, s.ToString());
  spdlog::info("restored {} items into {}", copied, target.name);
}

void RestoreService::Abandon(const storage::TableMeta& target, const std::string& why) {
  spdlog::error("restore into {} failed: {}", target.name, why);
  auto current = storage_.FindTable(target.name);
  if (current && current->id == target.id) (void)storage_.DeleteTable(target.name);
}

}  // namespace tideline::restore
