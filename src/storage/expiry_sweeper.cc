#include "storage/expiry_sweeper.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "storage/ttl_expiry.h"

namespace tideline::storage {

namespace {

// Items read per scan chunk (the cursor is closed between chunks, so that it pins no memtable
// for long), and deleted per Write (the items locked at once).
constexpr size_t kScanChunk = 1000;
constexpr size_t kDeleteGroup = 25;

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ExpirySweeper::ExpirySweeper(Storage* storage, ExpirySweeperOptions options)
    : storage_(storage), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

ExpirySweeper::~ExpirySweeper() {
  {
    common::MutexLock lock(&mu_);
    stopping_ = true;
  }
  cv_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

bool ExpirySweeper::Stopping() {
  common::MutexLock lock(&mu_);
  return stopping_;
}

void ExpirySweeper::Run() {
  using Clock = std::chrono::steady_clock;
  auto next_sweep = Clock::now() + options_.ttl_interval;
  auto next_trim = Clock::now();
  while (true) {
    {
      // Sleeps until the next sweep or trim is due, or the sweeper is stopped.
      common::MutexLock lock(&mu_);
      while (!stopping_) {
        const auto due = std::min(next_sweep, next_trim);
        const auto now = Clock::now();
        if (now >= due) break;
        cv_.WaitFor(&mu_, due - now);
      }
      if (stopping_) break;
    }
    const auto now = Clock::now();
    if (now >= next_trim) {
      const uint64_t latest = storage_->Now();
      if (latest > kStreamRetentionMicros + kStreamTrimSlackMicros) {
        Status s = storage_->TrimStreams(latest - kStreamRetentionMicros - kStreamTrimSlackMicros);
        if (!s.ok()) spdlog::warn("stream retention: {}", s.ToString());
      }
      next_trim = now + options_.stream_trim_interval;
    }
    if (now >= next_sweep) {
      const uint64_t deleted = SweepOnce();
      if (deleted > 0) spdlog::debug("time to live: {} expired items deleted", deleted);
      next_sweep = Clock::now() + options_.ttl_interval;
    }
  }
}

uint64_t ExpirySweeper::SweepOnce() {
  uint64_t deleted = 0;
  for (const auto& table : storage_->ListTables()) {
    if (Stopping()) break;
    if (table->ttl_attribute.empty() || table->restore_in_progress) continue;
    deleted += SweepTable(*table);
  }
  return deleted;
}

uint64_t ExpirySweeper::SweepTable(const TableMeta& swept) {
  uint64_t deleted = 0;
  std::string lower;
  bool more = true;
  while (more && !Stopping()) {
    // The table as it is now: deleted, re-created or TTL disabled since: stop.
    auto table = storage_->FindTable(swept.name);
    if (!table || table->id != swept.id || table->ttl_attribute != swept.ttl_attribute) break;
    int64_t now_s = UnixSeconds();
    std::vector<std::string> expired;
    size_t scanned = 0;
    {
      auto cursor = storage_->NewCursor(table->id, storage_->Now(), lower, "");
      for (; cursor->Valid() && scanned < kScanChunk; cursor->Next(), ++scanned) {
        if (ItemExpired(cursor->item_json(), table->ttl_attribute, now_s)) {
          expired.emplace_back(cursor->user_key());
        }
        lower = KeyAfter(cursor->user_key());
      }
      if (Status s = cursor->status(); !s.ok()) {
        spdlog::warn("time to live: scan of {}: {}", table->name, s.ToString());
        break;
      }
      more = cursor->Valid();
    }
    for (size_t i = 0; i < expired.size() && !Stopping(); i += kDeleteGroup) {
      std::vector<ItemRef> group;
      for (size_t j = i; j < expired.size() && j < i + kDeleteGroup; ++j) {
        group.push_back({table->id, expired[j]});
      }
      uint64_t group_deleted = 0;
      now_s = UnixSeconds();
      // Re-checked under the items' locks: an item rewritten since the scan is judged anew.
      Status s = storage_->Write(group, LockMode::kBatchWrite, [&](WriteTxn& txn) {
        group_deleted = 0;
        // TTL disabled (or changed) since the chunk began: delete nothing. Checked under the
        // items' locks, so an item written after the change is never judged by the old setting.
        auto current = storage_->FindTable(swept.name);
        if (!current || current->id != swept.id || current->ttl_attribute != swept.ttl_attribute) {
          return;
        }
        for (const ItemRef& ref : group) {
          std::string json;
          bool found = false;
          if (!txn.Get(*table, ref.user_key, &json, &found).ok() || !found) continue;
          if (!ItemExpired(json, table->ttl_attribute, now_s)) continue;
          txn.Delete(*table, ref.user_key, WriteOrigin::kTimeToLive);
          ++group_deleted;
        }
      });
      if (s.IsNotFound()) return deleted;  // the table was deleted
      if (!s.ok()) {
        // Refused (a full disk) or failed: the items stay and the next sweep tries again.
        spdlog::warn("time to live: deletions in {}: {}", table->name, s.ToString());
        return deleted;
      }
      deleted += group_deleted;
    }
  }
  return deleted;
}

}  // namespace tideline::storage
