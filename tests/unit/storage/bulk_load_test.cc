#include "storage/bulk_load.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

namespace tideline::storage {
namespace {

class BulkLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tideline-bulk-load-test-" + std::to_string(std::random_device{}()));
    Reopen();
    TableMeta meta;
    meta.name = "t";
    meta.key_schema.hash_name = "pk";
    ASSERT_TRUE(storage_->CreateTable(meta, &table_).ok());
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(dir_.string() + "-crashed");
  }
  void Reopen() {
    storage_.reset();
    StorageOptions options;
    options.data_dir = dir_.string();
    ASSERT_TRUE(Storage::Open(options, &storage_).ok());
    table_ = storage_->FindTable("t");
  }
  static std::string Key(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "k%06d", i);
    return buf;
  }
  std::unique_ptr<BulkLoader> StartLoad(uint64_t max_file_bytes = 128ull << 20) {
    BulkLoadOptions options;
    options.max_file_bytes = max_file_bytes;
    std::unique_ptr<BulkLoader> loader;
    EXPECT_TRUE(BulkLoader::Start(*storage_, *table_, options, &loader).ok());
    return loader;
  }
  std::vector<std::pair<std::string, std::string>> Scan(Storage& storage) {
    std::vector<std::pair<std::string, std::string>> out;
    auto c = storage.NewCursor(table_->id, ~0ull, "", "");
    for (; c->Valid(); c->Next()) {
      out.emplace_back(std::string(c->user_key()), std::string(c->item_json()));
    }
    EXPECT_TRUE(c->status().ok());
    return out;
  }
  bool LoadFilesLeft() const {
    const auto bulk = std::filesystem::path(BulkLoadDir(dir_.string()));
    if (!std::filesystem::exists(bulk)) return false;
    for (const auto& e : std::filesystem::recursive_directory_iterator(bulk)) {
      if (e.is_regular_file()) return true;
    }
    return false;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Storage> storage_;
  std::shared_ptr<const TableMeta> table_;
};

TEST_F(BulkLoadTest, ItemsInKeyOrderOverSeveralFilesAppearTogetherAtFinish) {
  auto loader = StartLoad(/*max_file_bytes=*/4096);
  std::vector<std::pair<std::string, std::string>> want;
  for (int i = 0; i < 2000; ++i) {
    want.emplace_back(Key(i), "{\"v\":" + std::to_string(i) + "}");
    ASSERT_TRUE(loader->Add(want.back().first, want.back().second, 10).ok());
  }
  EXPECT_GT(loader->files(), 10);
  EXPECT_TRUE(Scan(*storage_).empty());  // nothing visible before the ingest
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 0);
  ASSERT_TRUE(loader->Finish().ok());
  EXPECT_EQ(Scan(*storage_), want);
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 2000);
  EXPECT_EQ(storage_->Stats(table_->id).size_bytes, 20000);
  EXPECT_FALSE(LoadFilesLeft());

  // Point reads find the latest slot with the load's commit ts; later writes supersede it.
  std::string json;
  bool found = false;
  size_t size = 0;
  ASSERT_TRUE(storage_->Get(table_->id, Key(1234), ~0ull, &json, &found, &size).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(json, "{\"v\":1234}");
  EXPECT_EQ(size, 10u);
  EXPECT_LT(loader->commit_ts(), storage_->Now());
  ASSERT_TRUE(storage_
                  ->Write({{table_->id, Key(5)}}, LockMode::kItemWrite,
                          [&](WriteTxn& txn) { txn.Put(*table_, Key(5), "{}", 2); })
                  .ok());
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 2000);
  EXPECT_EQ(storage_->Stats(table_->id).size_bytes, 20000 - 10 + 2);
}

TEST_F(BulkLoadTest, IngestedItemsSurviveACrash) {
  auto loader = StartLoad();
  ASSERT_TRUE(loader->Add(Key(1), "{\"a\":1}", 7).ok());
  ASSERT_TRUE(loader->Finish().ok());
  // The data directory as the OS has it now, opened as a second database (no clean shutdown).
  const std::filesystem::path copy = dir_.string() + "-crashed";
  std::filesystem::copy(dir_, copy, std::filesystem::copy_options::recursive);
  std::filesystem::remove(copy / "rocksdb" / "LOCK");
  std::unique_ptr<Storage> crashed;
  StorageOptions options;
  options.data_dir = copy.string();
  ASSERT_TRUE(Storage::Open(options, &crashed).ok());
  EXPECT_EQ(Scan(*crashed).size(), 1u);
  EXPECT_EQ(crashed->Stats(table_->id).item_count, 1);  // recounted after the crash
}

TEST_F(BulkLoadTest, KeysOutOfOrderAreRefused) {
  auto loader = StartLoad();
  ASSERT_TRUE(loader->Add(Key(2), "{}", 2).ok());
  EXPECT_TRUE(loader->Add(Key(1), "{}", 2).code() == Status::Code::kInvalidArgument);
  EXPECT_TRUE(loader->Add(Key(2), "{}", 2).code() ==
              Status::Code::kInvalidArgument);  // duplicates too
  ASSERT_TRUE(loader->Add(Key(3), "{}", 2).ok());
  ASSERT_TRUE(loader->Finish().ok());
  EXPECT_EQ(Scan(*storage_).size(), 2u);
}

TEST_F(BulkLoadTest, EmptyLoadFinishesWithAnEmptyTable) {
  auto loader = StartLoad();
  ASSERT_TRUE(loader->Finish().ok());
  EXPECT_EQ(loader->files(), 0);
  EXPECT_TRUE(Scan(*storage_).empty());
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 0);
  EXPECT_FALSE(LoadFilesLeft());
}

TEST_F(BulkLoadTest, LargeValuesRoundTrip) {
  auto loader = StartLoad(/*max_file_bytes=*/1 << 20);
  std::vector<std::pair<std::string, std::string>> want;
  std::mt19937 rng(7);
  for (int i = 0; i < 12; ++i) {
    std::string v(400 * 1024, 'x');
    for (auto& c : v) c = static_cast<char>('a' + rng() % 26);  // incompressible-ish
    want.emplace_back(Key(i), "\"" + v + "\"");
    ASSERT_TRUE(loader->Add(want.back().first, want.back().second, 400 * 1024 + 3).ok());
  }
  ASSERT_TRUE(loader->Finish().ok());
  EXPECT_GT(loader->files(), 1);
  EXPECT_EQ(Scan(*storage_), want);
  EXPECT_EQ(storage_->Stats(table_->id).size_bytes, 12 * (400 * 1024 + 3));
}

TEST_F(BulkLoadTest, AFailedIngestLeavesNothingBehind) {
  auto loader = StartLoad(/*max_file_bytes=*/1024);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(loader->Add(Key(i), "{\"v\":1}", 7).ok());
  ASSERT_GT(loader->files(), 2);
  // One finished file vanishes (as a disk fault would lose it): the ingest must fail as a whole.
  const auto first =
      std::filesystem::path(BulkLoadDir(dir_.string())) / std::to_string(table_->id) / "0.sst";
  ASSERT_TRUE(std::filesystem::remove(first));
  EXPECT_FALSE(loader->Finish().ok());
  EXPECT_TRUE(Scan(*storage_).empty());
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 0);
  loader.reset();
  EXPECT_FALSE(LoadFilesLeft());
  Reopen();
  EXPECT_TRUE(Scan(*storage_).empty());
}

TEST_F(BulkLoadTest, ALoadOfADeletedTableIngestsNothing) {
  auto loader = StartLoad();
  ASSERT_TRUE(loader->Add(Key(1), "{}", 2).ok());
  const uint64_t id = table_->id;
  ASSERT_TRUE(storage_->DeleteTable("t").ok());
  EXPECT_TRUE(loader->Finish().IsNotFound());
  EXPECT_EQ(storage_->TEST_CountVersions(id), 0u);
}

TEST_F(BulkLoadTest, AnUnfinishedLoadLeavesNoFiles) {
  {
    auto loader = StartLoad(/*max_file_bytes=*/1024);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(loader->Add(Key(i), "{\"v\":1}", 7).ok());
    EXPECT_TRUE(LoadFilesLeft());
  }
  EXPECT_FALSE(LoadFilesLeft());
  EXPECT_TRUE(Scan(*storage_).empty());
  // Files a crash left behind are removed when the storage opens.
  std::filesystem::create_directories(std::filesystem::path(BulkLoadDir(dir_.string())) / "9");
  {
    std::FILE* f = std::fopen((BulkLoadDir(dir_.string()) + "/9/0.sst").c_str(), "w");
    std::fclose(f);
  }
  ASSERT_TRUE(LoadFilesLeft());
  Reopen();
  EXPECT_FALSE(LoadFilesLeft());
}

}  // namespace
}  // namespace tideline::storage
