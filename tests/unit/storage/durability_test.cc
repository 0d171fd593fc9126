// Durable points (storage.h): Fence() covers every write made or seen so far; WaitDurable and
// WhenDurable complete once a write-out covers it, or hand every waiter the error that stopped
// it. Both modes: a write() inline (default) and the wal-sync thread's fsync groups (--sync).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "storage/storage.h"

namespace tideline::storage {
namespace {

class DurabilityTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tideline-durability-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    trigger_ = (dir_ / "fault").string();
    StorageOptions options;
    options.data_dir = (dir_ / "data").string();
    options.sync_writes = GetParam();
    options.reserve_bytes = 0;
    options.testing_fault_file = trigger_;
    ASSERT_TRUE(Storage::Open(options, &storage_).ok());
    TableMeta meta;
    meta.name = "t";
    meta.key_schema.hash_name = "pk";
    ASSERT_TRUE(storage_->CreateTable(meta, &table_).ok());
    ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  Status Put(const std::string& key, const std::string& json) {
    return storage_->Write({{table_->id, key}}, LockMode::kItemWrite,
                           [&](WriteTxn& txn) { txn.Put(*table_, key, json, json.size()); });
  }
  // The keys of table t that a kill -9 now would leave (see StorageTest::GetAfterCrash).
  std::vector<std::string> KeysAfterCrash() {
    const std::filesystem::path copy = dir_ / "crashed";
    std::filesystem::remove_all(copy);
    std::filesystem::copy(dir_ / "data", copy, std::filesystem::copy_options::recursive);
    std::filesystem::remove(copy / "rocksdb" / "LOCK");
    std::vector<std::string> keys;
    {
      std::unique_ptr<Storage> crashed;
      StorageOptions options;
      options.data_dir = copy.string();
      EXPECT_TRUE(Storage::Open(options, &crashed).ok());
      if (!crashed) return keys;
      auto table = crashed->FindTable("t");
      if (!table) return keys;
      for (auto c = crashed->NewCursor(table->id, ~0ull, "", ""); c->Valid(); c->Next()) {
        keys.emplace_back(c->user_key());
      }
    }
    std::filesystem::remove_all(copy);
    return keys;
  }
  void Fault(const std::string& what) {
    std::ofstream(trigger_) << what;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the trigger is polled
  }
  void Heal() { std::filesystem::remove(trigger_); }

  std::filesystem::path dir_;
  std::string trigger_;
  std::unique_ptr<Storage> storage_;
  std::shared_ptr<const TableMeta> table_;
};

// What a WhenDurable callback reported, for a test to wait on.
struct Completion {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  Status status;
  std::thread::id thread;
  void Done(Status s) {
    std::lock_guard lock(mu);
    ++calls;
    status = std::move(s);
    thread = std::this_thread::get_id();
    cv.notify_all();
  }
  bool WaitFor(std::chrono::seconds timeout) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return calls > 0; });
  }
};

TEST_P(DurabilityTest, FenceCoversEveryWriteMadeBeforeIt) {
  ASSERT_TRUE(Put("a", "{}").ok());
  const DurablePoint after_a = storage_->Fence();
  ASSERT_TRUE(Put("b", "{}").ok());
  const DurablePoint after_b = storage_->Fence();
  EXPECT_LT(after_a.writes, after_b.writes);
  EXPECT_FALSE(storage_->IsDurable(after_a));
  EXPECT_EQ(KeysAfterCrash(), std::vector<std::string>{});
  // Waiting for the earlier point writes out everything begun so far, b included.
  ASSERT_TRUE(storage_->WaitDurable(after_a).ok());
  EXPECT_TRUE(storage_->IsDurable(after_a));
  EXPECT_TRUE(storage_->IsDurable(after_b));
  EXPECT_EQ(KeysAfterCrash(), (std::vector<std::string>{"a", "b"}));
}

TEST_P(DurabilityTest, WhenDurableCompletesInlineWhenNoFsyncIsNeeded) {
  Completion durable;
  storage_->WhenDurable(storage_->Fence(), [&](Status s) { durable.Done(std::move(s)); });
  EXPECT_EQ(durable.calls, 1);  // already durable: at once, on this thread
  EXPECT_EQ(durable.thread, std::this_thread::get_id());

  ASSERT_TRUE(Put("a", "{}").ok());
  Completion pending;
  storage_->WhenDurable(storage_->Fence(), [&](Status s) { pending.Done(std::move(s)); });
  ASSERT_TRUE(pending.WaitFor(std::chrono::seconds(10)));
  EXPECT_TRUE(pending.status.ok()) << pending.status.ToString();
  // Without --sync a write() to the page cache is cheaper inline than a hop to another thread;
  // with it the wal-sync thread does the fsync.
  EXPECT_EQ(pending.thread == std::this_thread::get_id(), !GetParam());
  EXPECT_EQ(KeysAfterCrash(), std::vector<std::string>{"a"});
}

TEST_P(DurabilityTest, ConcurrentWritersAllBecomeDurable) {
  constexpr int kThreads = 8;
  constexpr int kWrites = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string key = std::to_string(t) + "-" + std::to_string(i);
        if (!Put(key, "{}").ok()) ++failures;
        // Half the waits block, half are callbacks: both join the same groups.
        if (i % 2 == 0) {
          if (!storage_->WaitDurable(storage_->Fence()).ok()) ++failures;
        } else {
          Completion done;
          storage_->WhenDurable(storage_->Fence(), [&](Status s) { done.Done(std::move(s)); });
          if (!done.WaitFor(std::chrono::seconds(10)) || !done.status.ok()) ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(KeysAfterCrash().size(), static_cast<size_t>(kThreads * kWrites));
}

TEST_P(DurabilityTest, AWalWriteErrorReachesEveryWaiterAndNoneIsToldOfLostWrites) {
  ASSERT_TRUE(Put("kept", "{}").ok());
  ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  const DurablePoint kept = storage_->Fence();
  ASSERT_TRUE(Put("lost", "{}").ok());  // in the WAL buffer only
  Fault("EIO");
  const DurablePoint lost = storage_->Fence();
  constexpr int kWaiters = 6;
  std::vector<Completion> waiters(kWaiters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&, i] {
      storage_->WhenDurable(lost, [&waiters, i](Status s) { waiters[i].Done(std::move(s)); });
    });
  }
  for (auto& thread : threads) thread.join();
  for (auto& waiter : waiters) {
    ASSERT_TRUE(waiter.WaitFor(std::chrono::seconds(10)));
    EXPECT_EQ(waiter.calls, 1);
    EXPECT_TRUE(waiter.status.IsUnavailable()) << waiter.status.ToString();
  }
  EXPECT_FALSE(storage_->IsDurable(lost));
  EXPECT_TRUE(storage_->WaitDurable(lost).IsUnavailable());
  // What was durable before the fault stays so, and its waiters are answered at once.
  EXPECT_TRUE(storage_->WaitDurable(kept).ok());
  Heal();
  // Recovery makes what RocksDB holds durable again, then takes writes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Put("after", "{}").ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  const std::vector<std::string> keys = KeysAfterCrash();
  EXPECT_NE(std::find(keys.begin(), keys.end(), "kept"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "after"), keys.end());
}

TEST_P(DurabilityTest, ClosingAnswersThePendingWaiters) {
  ASSERT_TRUE(Put("a", "{}").ok());
  Completion done;
  storage_->WhenDurable(storage_->Fence(), [&](Status s) { done.Done(std::move(s)); });
  storage_.reset();
  EXPECT_EQ(done.calls, 1);
  EXPECT_TRUE(done.status.ok()) << done.status.ToString();
}

INSTANTIATE_TEST_SUITE_P(Modes, DurabilityTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Sync") : std::string("NoSync");
                         });

}  // namespace
}  // namespace tideline::storage
