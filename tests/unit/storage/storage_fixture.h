#pragma once
// The fixture the storage unit tests share: a fresh directory under the system temp dir, a
// Storage open on it (Options(), which a test may override) and one table "t" with hash key
// "pk". Everything is removed afterwards.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/storage.h"

namespace tideline::storage {

class StorageFixture : public ::testing::Test {
 protected:
  StorageFixture()
      : dir_(std::filesystem::temp_directory_path() /
             ("tideline-storage-test-" + std::to_string(std::random_device{}()))) {}

  void SetUp() override {
    Reopen();
    TableMeta meta;
    meta.name = "t";
    meta.key_schema.hash_name = "pk";
    ASSERT_TRUE(storage_->CreateTable(meta, &table_).ok());
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(CrashedCopyDir());
  }

  // The options Reopen opens the storage with: by default, data in dir_ itself.
  virtual StorageOptions Options() const {
    StorageOptions options;
    options.data_dir = dir_.string();
    return options;
  }
  // Closes the storage (a clean shutdown) and opens it again.
  void Reopen() {
    storage_.reset();
    ASSERT_TRUE(Storage::Open(Options(), &storage_).ok());
    table_ = storage_->FindTable("t");
  }

  // What a kill -9 now would leave: the data directory as the OS has it (a WAL buffer held in
  // memory is not there), copied and opened as a second database; null if it does not open.
  std::unique_ptr<Storage> OpenCrashedCopy() {
    const std::filesystem::path copy = CrashedCopyDir();
    std::filesystem::remove_all(copy);
    std::filesystem::copy(Options().data_dir, copy, std::filesystem::copy_options::recursive);
    std::filesystem::remove(copy / "rocksdb" / "LOCK");
    StorageOptions options;
    options.data_dir = copy.string();
    std::unique_ptr<Storage> crashed;
    EXPECT_TRUE(Storage::Open(options, &crashed).ok());
    return crashed;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Storage> storage_;
  std::shared_ptr<const TableMeta> table_;

 private:
  std::filesystem::path CrashedCopyDir() const { return dir_.string() + "-crashed"; }
};

}  // namespace tideline::storage
