// Storage::Write's isolation: read-modify-writes of one item serialise, writes of different
// items do not wait for each other, transactions conflict as DynamoDB's do, and commit
// timestamps still follow commit order.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "storage/storage.h"

namespace tideline::storage {
namespace {

using namespace std::chrono_literals;

class WriteIsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tideline-isolation-test-" + std::to_string(std::random_device{}()));
    StorageOptions options;
    options.data_dir = dir_.string();
    ASSERT_TRUE(Storage::Open(options, &storage_).ok());
    TableMeta meta;
    meta.name = "t";
    meta.key_schema.hash_name = "pk";
    ASSERT_TRUE(storage_->CreateTable(meta, &table_).ok());
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  ItemRef Ref(const std::string& key) const { return {table_->id, key}; }
  Status Put(const std::string& key, const std::string& json, LockMode mode,
             uint64_t* ts = nullptr) {
    return storage_->Write(
        {Ref(key)}, mode, [&](WriteTxn& txn) { txn.Put(*table_, key, json, json.size()); }, ts);
  }
  std::string Latest(const std::string& key, uint64_t as_of = ~0ull) {
    std::string json;
    bool found = false;
    EXPECT_TRUE(storage_->Get(table_->id, key, as_of, &json, &found).ok());
    return found ? json : "<none>";
  }

  std::filesystem::path dir_;
  std::unique_ptr<Storage> storage_;
  std::shared_ptr<const TableMeta> table_;
};

// The optimistic-locking pattern of DynamoDB clients: read the counter, then write counter + 1
// on the condition that it still holds the value read. Whatever the interleaving, every
// success adds exactly one: two racing updates never both succeed on the same value.
TEST_F(WriteIsolationTest, RacingConditionalUpdatesNeverBothSucceed) {
  ASSERT_TRUE(Put("counter", "0", LockMode::kItemWrite).ok());
  constexpr int kThreads = 4;
  constexpr int kAttempts = 300;
  std::atomic<int> successes{0}, failures{0};
  auto worker = [&] {
    for (int i = 0; i < kAttempts; ++i) {
      const int seen = std::stoi(Latest("counter"));
      bool applied = false;
      Status s = storage_->Write({Ref("counter")}, LockMode::kItemWrite, [&](WriteTxn& txn) {
        std::string json;
        bool found = false;
        ASSERT_TRUE(txn.Get(*table_, "counter", &json, &found).ok());
        if (std::stoi(json) != seen) return;  // the condition failed
        // Between the read and the write, a racing writer would overwrite a stale value.
        std::this_thread::yield();
        const std::string next = std::to_string(seen + 1);
        txn.Put(*table_, "counter", next, next.size());
        applied = true;
      });
      ASSERT_TRUE(s.ok());
      ++(applied ? successes : failures);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  EXPECT_EQ(successes + failures, kThreads * kAttempts);
  EXPECT_EQ(std::stoi(Latest("counter")), successes.load());
}

// A read-modify-write holds only its own item: a write of another item commits meanwhile.
TEST_F(WriteIsolationTest, WritesOfOtherItemsDoNotWait) {
  std::promise<void> inside, finish;
  auto slow = std::async(std::launch::async, [&] {
    return storage_->Write({Ref("a")}, LockMode::kItemWrite, [&](WriteTxn& txn) {
      inside.set_value();
      finish.get_future().wait();
      txn.Put(*table_, "a", "1", 1);
    });
  });
  inside.get_future().wait();
  auto other = std::async(std::launch::async, [&] { return Put("b", "2", LockMode::kItemWrite); });
  ASSERT_EQ(other.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(other.get().ok());
  EXPECT_EQ(Latest("b"), "2");
  // A write of the same item waits for the first one.
  auto same = std::async(std::launch::async, [&] { return Put("a", "3", LockMode::kItemWrite); });
  EXPECT_EQ(same.wait_for(100ms), std::future_status::timeout);
  finish.set_value();
  EXPECT_TRUE(slow.get().ok());
  EXPECT_TRUE(same.get().ok());
  EXPECT_EQ(Latest("a"), "3");
}

// While a transaction holds its items: an item write of one of them fails with Busy (the API's
// TransactionConflictException), another transaction touching one is refused naming it (a
// TransactionConflict cancellation reason), and a batch write waits for it.
TEST_F(WriteIsolationTest, AnOngoingTransactionConflictsAsInDynamoDB) {
  ASSERT_TRUE(Put("a", "a0", LockMode::kItemWrite).ok());
  std::promise<void> inside, finish;
  auto txn = std::async(std::launch::async, [&] {
    return storage_->Write({Ref("a"), Ref("b")}, LockMode::kTransaction, [&](WriteTxn& txn) {
      inside.set_value();
      finish.get_future().wait();
      txn.Put(*table_, "a", "a1", 2);
      txn.Put(*table_, "b", "b1", 2);
    });
  });
  inside.get_future().wait();

  bool ran = false;
  Status item = storage_->Write({Ref("b")}, LockMode::kItemWrite, [&](WriteTxn&) { ran = true; });
  EXPECT_EQ(item.code(), Status::Code::kBusy);
  EXPECT_FALSE(ran);

  std::vector<size_t> conflicts;
  Status other = storage_->Write(
      {Ref("c"), Ref("b"), Ref("d")}, LockMode::kTransaction, [&](WriteTxn&) { ran = true; },
      nullptr, &conflicts);
  EXPECT_EQ(other.code(), Status::Code::kBusy);
  EXPECT_EQ(conflicts, (std::vector<size_t>{1}));
  EXPECT_FALSE(ran);
  // Items it does not hold are free.
  EXPECT_TRUE(Put("c", "c1", LockMode::kItemWrite).ok());

  auto batch = std::async(std::launch::async, [&] {
    return storage_->Write({Ref("a")}, LockMode::kBatchWrite, [&](WriteTxn& txn) {
      std::string json;
      bool found = false;
      EXPECT_TRUE(txn.Get(*table_, "a", &json, &found).ok());
      EXPECT_EQ(json, "a1");  // it ran after the transaction
      txn.Put(*table_, "a", "a2", 2);
    });
  });
  EXPECT_EQ(batch.wait_for(100ms), std::future_status::timeout);
  finish.set_value();
  EXPECT_TRUE(txn.get().ok());
  EXPECT_TRUE(batch.get().ok());
  EXPECT_EQ(Latest("a"), "a2");
  EXPECT_EQ(Latest("b"), "b1");
  // Once it has committed, the items take writes again.
  EXPECT_TRUE(Put("b", "b2", LockMode::kItemWrite).ok());
}

TEST_F(WriteIsolationTest, TouchingAnItemNotNamedIsRefusedAndWritesNothing) {
  bool found = true;
  Status get_status;
  Status s = storage_->Write({Ref("a")}, LockMode::kItemWrite, [&](WriteTxn& txn) {
    get_status = txn.Get(*table_, "b", nullptr, &found);
  });
  EXPECT_EQ(get_status.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(found);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);  // the write reports the misuse too

  s = storage_->Write({Ref("a")}, LockMode::kItemWrite, [&](WriteTxn& txn) {
    txn.Put(*table_, "a", "1", 1);
    txn.Put(*table_, "b", "1", 1);
  });
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Latest("a"), "<none>");
  EXPECT_EQ(Latest("b"), "<none>");
}

// A write that read its items before its table was deleted does not commit after the deletion
// (its keys would outlive the table): NotFound, which the API answers as a missing table.
TEST_F(WriteIsolationTest, AWriteToATableDeletedMeanwhileIsNotFound) {
  Status s = storage_->Write({Ref("a")}, LockMode::kItemWrite, [&](WriteTxn& txn) {
    bool found = true;
    ASSERT_TRUE(txn.Get(*table_, "a", nullptr, &found).ok());
    ASSERT_TRUE(storage_->DeleteTable("t").ok());
    txn.Put(*table_, "a", "1", 1);
  });
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 0u);
}

// Commits from several threads get distinct timestamps, each read as of a commit's timestamp
// sees that commit, and a read as of Now() sees every commit acknowledged before it.
TEST_F(WriteIsolationTest, ConcurrentCommitsKeepTimestampsInCommitOrder) {
  TableMeta meta = *table_;
  meta.pitr_enabled = true;  // so that past versions stay readable
  ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  constexpr int kThreads = 3;
  constexpr int kWrites = 200;
  std::vector<std::vector<std::pair<uint64_t, std::string>>> commits(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint64_t last = 0;
      for (int i = 0; i < kWrites; ++i) {
        const std::string key = "t" + std::to_string(t);
        uint64_t ts = 0;
        ASSERT_TRUE(Put(key, std::to_string(i), LockMode::kItemWrite, &ts).ok());
        EXPECT_GT(ts, last);  // one thread's commits rise
        last = ts;
        commits[t].emplace_back(ts, key);
      }
    });
  }
  for (auto& t : threads) t.join();
  const uint64_t now = storage_->Now();
  std::set<uint64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWrites; ++i) {
      const auto& [ts, key] = commits[t][i];
      all.insert(ts);
      EXPECT_LE(ts, now);
      EXPECT_EQ(Latest(key, ts), std::to_string(i));
    }
    EXPECT_EQ(Latest("t" + std::to_string(t), now), std::to_string(kWrites - 1));
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kWrites));
}

}  // namespace
}  // namespace tideline::storage
