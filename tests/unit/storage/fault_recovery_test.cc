// Write errors injected under RocksDB (fault_injection_fs.h): storage refuses writes with a
// retryable Unavailable, never aborts, keeps serving reads, and takes writes again by itself
// once the fault is gone, without losing a write it acknowledged.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "storage/storage.h"

namespace tideline::storage {
namespace {

class FaultRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tideline-fault-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    trigger_ = (dir_ / "fault").string();
    Reopen();
    TableMeta meta;
    meta.name = "t";
    meta.key_schema.hash_name = "pk";
    ASSERT_TRUE(storage_->CreateTable(meta, &table_).ok());
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    storage_.reset();
    StorageOptions options;
    options.data_dir = (dir_ / "data").string();
    options.reserve_bytes = 0;
    options.testing_fault_file = trigger_;
    ASSERT_TRUE(Storage::Open(options, &storage_).ok());
    table_ = storage_->FindTable("t");
  }
  void Fault(const std::string& what) {
    std::ofstream(trigger_) << what;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the trigger is polled
  }
  void Heal() { std::filesystem::remove(trigger_); }
  // A write as the HTTP session makes it: commit, then flush the WAL before acknowledging.
  Status Put(const std::string& key, const std::string& json) {
    Status s = storage_->Write({{table_->id, key}}, LockMode::kItemWrite,
                               [&](WriteTxn& txn) { txn.Put(*table_, key, json, json.size()); });
    if (!s.ok()) return s;
    return storage_->SyncWal();
  }
  std::string Get(const std::string& key) {
    std::string json;
    bool found = false;
    Status s = storage_->Get(table_->id, key, ~0ull, &json, &found);
    if (!s.ok()) return "<error>";
    return found ? json : "<none>";
  }
  // Writes come back by themselves: true once a write succeeds within `seconds`.
  bool RecoversWithin(int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Put("probe", "{}").ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::filesystem::path dir_;
  std::string trigger_;
  std::unique_ptr<Storage> storage_;
  std::shared_ptr<const TableMeta> table_;
};

TEST_F(FaultRecoveryTest, WalWriteErrorRefusesWritesUntilItRecovers) {
  ASSERT_TRUE(Put("a", "1").ok());
  Fault("EIO");
  Status s = Put("b", "2");
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  // Later writes are refused before they reach RocksDB's failed WAL writer (which would abort).
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(Put("c" + std::to_string(i), "3").IsUnavailable());
  EXPECT_EQ(Get("a"), "1");
  Heal();
  ASSERT_TRUE(RecoversWithin(10));
  ASSERT_TRUE(Put("d", "4").ok());
  Reopen();
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("d"), "4");
}

TEST_F(FaultRecoveryTest, NoSpaceOnTheWalRecovers) {
  ASSERT_TRUE(Put("a", "1").ok());
  Fault("ENOSPC");
  EXPECT_TRUE(Put("b", "2").IsUnavailable());
  EXPECT_TRUE(Put("b", "2").IsUnavailable());
  Heal();
  ASSERT_TRUE(RecoversWithin(10));
  ASSERT_TRUE(Put("c", "3").ok());
  Reopen();
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("c"), "3");
}

// A memtable flush that fails (RocksDB 7.8 rates EIO there as fatal: only a restart would
// have brought writes back).
TEST_F(FaultRecoveryTest, FlushErrorRecovers) {
  ASSERT_TRUE(Put("a", "1").ok());
  Fault("EIO");
  EXPECT_FALSE(storage_->CompactTable(table_->id).ok());  // flushes the memtable first
  EXPECT_TRUE(Put("b", "2").IsUnavailable());
  EXPECT_EQ(Get("a"), "1");
  Heal();
  ASSERT_TRUE(RecoversWithin(10));
  Reopen();
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("probe"), "{}");
}

}  // namespace
}  // namespace tideline::storage
