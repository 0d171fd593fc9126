#include "storage/key_locks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>

namespace tideline::storage {
namespace {

using namespace std::chrono_literals;

// Whether `f` is still blocked after a short while (it waits for a lock).
template <typename T>
bool StillWaiting(std::future<T>& f) {
  return f.wait_for(100ms) == std::future_status::timeout;
}

TEST(KeyLockTableTest, LocksEachKeyOnceInByteOrder) {
  KeyLockTable table(4);
  HeldKeys held;
  ASSERT_TRUE(table.Lock({"c", "a", "b", "a"}, LockMode::kBatchWrite, &held).ok());
  EXPECT_EQ(held.keys(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(held.Holds("b"));
  EXPECT_FALSE(held.Holds("d"));
  EXPECT_EQ(table.HeldCount(), 3u);
  held.Release();
  EXPECT_EQ(table.HeldCount(), 0u);
  {
    HeldKeys scoped;
    ASSERT_TRUE(table.Lock({"x"}, LockMode::kItemWrite, &scoped).ok());
    EXPECT_EQ(table.HeldCount(), 1u);
  }
  EXPECT_EQ(table.HeldCount(), 0u);  // released by the destructor
}

TEST(KeyLockTableTest, ItemWritesOfOneKeyWaitForEachOther) {
  KeyLockTable table;
  HeldKeys first;
  ASSERT_TRUE(table.Lock({"k"}, LockMode::kItemWrite, &first).ok());
  auto second = std::async(std::launch::async, [&] {
    HeldKeys held;
    return table.Lock({"k"}, LockMode::kItemWrite, &held);
  });
  EXPECT_TRUE(StillWaiting(second));
  first.Release();
  EXPECT_TRUE(second.get().ok());
}

TEST(KeyLockTableTest, DifferentKeysDoNotWait) {
  KeyLockTable table(1);  // one stripe: even keys that share it are independent
  HeldKeys a, b;
  ASSERT_TRUE(table.Lock({"a"}, LockMode::kTransaction, &a).ok());
  ASSERT_TRUE(table.Lock({"b"}, LockMode::kItemWrite, &b).ok());
  EXPECT_EQ(table.HeldCount(), 2u);
}

TEST(KeyLockTableTest, AnItemWriteOnATransactionsKeyConflictsAtOnce) {
  KeyLockTable table;
  HeldKeys txn;
  ASSERT_TRUE(table.Lock({"k", "m"}, LockMode::kTransaction, &txn).ok());
  HeldKeys held;
  EXPECT_EQ(table.Lock({"m"}, LockMode::kItemWrite, &held).code(), Status::Code::kBusy);
  EXPECT_TRUE(held.keys().empty());
  // A key the transaction does not hold is free.
  EXPECT_TRUE(table.Lock({"n"}, LockMode::kItemWrite, &held).ok());
}

TEST(KeyLockTableTest, ATransactionMeetingAnotherIsRefusedAndNamesTheHeldItems) {
  KeyLockTable table;
  HeldKeys first;
  ASSERT_TRUE(table.Lock({"b", "d"}, LockMode::kTransaction, &first).ok());
  HeldKeys second;
  std::vector<size_t> conflicts;
  // Items in request order: a (free), d (held), c (free), b (held).
  EXPECT_EQ(table.Lock({"a", "d", "c", "b"}, LockMode::kTransaction, &second, &conflicts).code(),
            Status::Code::kBusy);
  EXPECT_EQ(conflicts, (std::vector<size_t>{1, 3}));
  // Nothing of the refused transaction stays held.
  EXPECT_EQ(table.HeldCount(), 2u);
  first.Release();
  EXPECT_TRUE(table.Lock({"a", "d", "c", "b"}, LockMode::kTransaction, &second, &conflicts).ok());
  EXPECT_TRUE(conflicts.empty());
}

TEST(KeyLockTableTest, TransactionsWaitForItemWrites) {
  KeyLockTable table;
  HeldKeys item;
  ASSERT_TRUE(table.Lock({"k"}, LockMode::kItemWrite, &item).ok());
  auto txn = std::async(std::launch::async, [&] {
    HeldKeys held;
    return table.Lock({"j", "k"}, LockMode::kTransaction, &held);
  });
  EXPECT_TRUE(StillWaiting(txn));
  item.Release();
  EXPECT_TRUE(txn.get().ok());
}

TEST(KeyLockTableTest, BatchWritesWaitForTransactions) {
  KeyLockTable table;
  HeldKeys txn;
  ASSERT_TRUE(table.Lock({"k"}, LockMode::kTransaction, &txn).ok());
  auto batch = std::async(std::launch::async, [&] {
    HeldKeys held;
    return table.Lock({"a", "k"}, LockMode::kBatchWrite, &held);
  });
  EXPECT_TRUE(StillWaiting(batch));
  txn.Release();
  EXPECT_TRUE(batch.get().ok());
}

TEST(KeyLockTableTest, ATransactionThatWaitedHoldsTheKeyAsATransaction) {
  KeyLockTable table;
  HeldKeys item;
  ASSERT_TRUE(table.Lock({"k"}, LockMode::kItemWrite, &item).ok());
  std::promise<void> txn_started;
  HeldKeys txn_held;
  auto txn = std::async(std::launch::async, [&] {
    txn_started.set_value();
    return table.Lock({"k"}, LockMode::kTransaction, &txn_held);
  });
  txn_started.get_future().wait();
  EXPECT_TRUE(StillWaiting(txn));
  item.Release();
  ASSERT_TRUE(txn.get().ok());
  HeldKeys late;
  EXPECT_EQ(table.Lock({"k"}, LockMode::kItemWrite, &late).code(), Status::Code::kBusy);
}

// Several threads lock random sets of overlapping keys in random order, in every mode, and
// check mutual exclusion with a per-key owner count. A deadlock aborts the test after a minute
// (the run takes well under a second); a lock given to two writers at once fails it.
TEST(KeyLockTableTest, RandomMultiKeyWorkloadsNeitherDeadlockNorShareAKey) {
  KeyLockTable table(8);
  constexpr int kKeys = 12;
  constexpr int kThreads = 6;
  constexpr int kRounds = 3000;
  std::vector<std::atomic<int>> owners(kKeys);
  std::atomic<int> violations{0}, acquired{0}, refused{0};
  auto worker = [&](int seed) {
    std::mt19937 rng(seed);
    for (int round = 0; round < kRounds; ++round) {
      const int n = 1 + static_cast<int>(rng() % 4);
      std::vector<std::string> keys;
      std::vector<int> ids;
      for (int i = 0; i < n; ++i) {
        const int id = static_cast<int>(rng() % kKeys);
        ids.push_back(id);
        keys.push_back("key" + std::to_string(id));
      }
      const LockMode mode = static_cast<LockMode>(rng() % 3);
      HeldKeys held;
      if (!table.Lock(keys, mode, &held).ok()) {
        ++refused;
        continue;
      }
      ++acquired;
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (int id : ids) {
        if (owners[id].fetch_add(1) != 0) ++violations;
      }
      if (rng() % 8 == 0) std::this_thread::yield();
      for (int id : ids) owners[id].fetch_sub(1);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, 1000 + t);
  auto joined = std::async(std::launch::async, [&] {
    for (auto& t : threads) t.join();
  });
  if (joined.wait_for(60s) == std::future_status::timeout) {
    ADD_FAILURE() << "the lock table deadlocked";
    std::abort();
  }
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(acquired.load() + refused.load(), kThreads * kRounds);
  EXPECT_GT(acquired.load(), 0);
  EXPECT_EQ(table.HeldCount(), 0u);
}

}  // namespace
}  // namespace tideline::storage
