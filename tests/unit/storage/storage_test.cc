#include "storage/storage.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <random>

#include "storage_fixture.h"

namespace tideline::storage {
namespace {

class StorageTest : public StorageFixture {
 protected:
  // Past versions are kept (and readable as of a past time) only while PITR is on.
  void SetPitr(bool enabled) {
    TableMeta meta = *table_;
    meta.pitr_enabled = enabled;
    ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  }
  uint64_t Put(const std::string& key, const std::string& json) {
    uint64_t ts = 0;
    EXPECT_TRUE(storage_
                    ->Write(
                        {{table_->id, key}}, LockMode::kItemWrite,
                        [&](WriteTxn& txn) { txn.Put(*table_, key, json, json.size()); }, &ts)
                    .ok());
    return ts;
  }
  uint64_t Del(const std::string& key) {
    uint64_t ts = 0;
    EXPECT_TRUE(storage_
                    ->Write(
                        {{table_->id, key}}, LockMode::kItemWrite,
                        [&](WriteTxn& txn) { txn.Delete(*table_, key); }, &ts)
                    .ok());
    return ts;
  }
  std::string GetAt(const std::string& key, uint64_t ts) {
    std::string json;
    bool found = false;
    EXPECT_TRUE(storage_->Get(table_->id, key, ts, &json, &found).ok());
    return found ? json : "<none>";
  }
  std::vector<std::string> ScanAt(uint64_t ts, bool reverse = false, std::string lower = "",
                                  std::string upper = "") {
    std::vector<std::string> out;
    auto c = storage_->NewCursor(table_->id, ts, lower, upper, reverse);
    for (; c->Valid(); c->Next())
      out.push_back(std::string(c->user_key()) + "=" + std::string(c->item_json()));
    EXPECT_TRUE(c->status().ok());
    return out;
  }

  // The value of `key` in what a kill -9 now would leave (OpenCrashedCopy).
  std::string GetAfterCrash(const std::string& key) {
    std::unique_ptr<Storage> crashed = OpenCrashedCopy();
    std::string json;
    bool found = false;
    if (crashed) {
      EXPECT_TRUE(crashed->Get(table_->id, key, ~0ull, &json, &found).ok());
    }
    return found ? json : "<none>";
  }
};

TEST_F(StorageTest, ItemWritesAreVisibleAtOnceAndDurableOnceTheirFenceIs) {
  EXPECT_FALSE(storage_->IsDurable(storage_->Fence()));  // the fixture's CreateTable
  ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  EXPECT_TRUE(storage_->IsDurable(storage_->Fence()));
  Put("a", "1");
  const DurablePoint point = storage_->Fence();
  EXPECT_FALSE(storage_->IsDurable(point));
  EXPECT_EQ(GetAt("a", ~0ull), "1");  // visible before it is durable
  EXPECT_EQ(GetAfterCrash("a"), "<none>");
  ASSERT_TRUE(storage_->WaitDurable(point).ok());
  EXPECT_TRUE(storage_->IsDurable(point));
  EXPECT_EQ(GetAfterCrash("a"), "1");
  ASSERT_TRUE(storage_->WaitDurable(point).ok());  // nothing left: no-op
  // Not IsDurable(Fence()): the statistics flusher may have written since (every second; the
  // test takes longer than that under TSan on a busy machine), which a new fence covers.
  EXPECT_TRUE(storage_->IsDurable(point));
}

TEST_F(StorageTest, CatalogAndMetadataWritesAreCoveredByTheFenceLikeItemCommits) {
  ASSERT_TRUE(storage_->PutMeta("k", "v").ok());
  EXPECT_FALSE(storage_->IsDurable(storage_->Fence()));
  ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  ASSERT_TRUE(storage_->DeleteMeta("k").ok());
  TableMeta meta = *table_;
  meta.pitr_enabled = true;
  ASSERT_TRUE(storage_->UpdateTable(meta).ok());
  EXPECT_FALSE(storage_->IsDurable(storage_->Fence()));

  // One write-out covers every kind of write made before it.
  Put("b", "2");
  TableMeta other;
  other.name = "t2";
  other.key_schema.hash_name = "pk";
  ASSERT_TRUE(storage_->CreateTable(other, nullptr).ok());
  const DurablePoint point = storage_->Fence();
  EXPECT_FALSE(storage_->IsDurable(point));
  ASSERT_TRUE(storage_->WaitDurable(point).ok());
  EXPECT_TRUE(storage_->IsDurable(point));
  EXPECT_EQ(GetAfterCrash("b"), "2");
  ASSERT_TRUE(storage_->DeleteTable("t2").ok());
  EXPECT_FALSE(storage_->IsDurable(storage_->Fence()));
}

TEST_F(StorageTest, ReadsAsOfATimeSeeTheNewestVersionAtOrBeforeIt) {
  SetPitr(true);
  uint64_t t1 = Put("k", "v1");
  uint64_t t2 = Put("k", "v2");
  uint64_t t3 = Del("k");
  uint64_t t4 = Put("k", "v4");
  ASSERT_LT(t1, t2);
  ASSERT_LT(t2, t3);
  ASSERT_LT(t3, t4);
  EXPECT_EQ(GetAt("k", t1 - 1), "<none>");
  EXPECT_EQ(GetAt("k", t1), "v1");
  EXPECT_EQ(GetAt("k", t2 - 1), "v1");
  EXPECT_EQ(GetAt("k", t2), "v2");
  EXPECT_EQ(GetAt("k", t3), "<none>");
  EXPECT_EQ(GetAt("k", t4), "v4");
  EXPECT_EQ(GetAt("k", ~0ull), "v4");
}

TEST_F(StorageTest, ScanAsOfATimeSkipsDeletedAndFutureVersionsBothWays) {
  SetPitr(true);
  uint64_t t1 = Put("a", "a1");
  Put("b", "b1");
  Put("c", "c1");
  uint64_t t2 = Del("b");
  Put("a", "a2");
  Put("d", "d1");
  EXPECT_EQ(ScanAt(t1), std::vector<std::string>({"a=a1"}));
  EXPECT_EQ(ScanAt(t2), std::vector<std::string>({"a=a1", "c=c1"}));
  EXPECT_EQ(ScanAt(~0ull), std::vector<std::string>({"a=a2", "c=c1", "d=d1"}));
  EXPECT_EQ(ScanAt(~0ull, true), std::vector<std::string>({"d=d1", "c=c1", "a=a2"}));
  EXPECT_EQ(ScanAt(t2, true), std::vector<std::string>({"c=c1", "a=a1"}));
  EXPECT_EQ(ScanAt(~0ull, false, KeyAfter("a")), std::vector<std::string>({"c=c1", "d=d1"}));
  EXPECT_EQ(ScanAt(~0ull, true, "", "c"), std::vector<std::string>({"a=a2"}));
}

TEST_F(StorageTest, ManyVersionsOfOneKeyScanCorrectly) {
  SetPitr(true);
  std::vector<uint64_t> ts;
  for (int i = 0; i < 50; ++i) ts.push_back(Put("m", "v" + std::to_string(i)));
  Put("n", "n0");
  EXPECT_EQ(ScanAt(ts[20]), std::vector<std::string>({"m=v20"}));
  EXPECT_EQ(ScanAt(~0ull), std::vector<std::string>({"m=v49", "n=n0"}));
  EXPECT_EQ(ScanAt(ts[20], true), std::vector<std::string>({"m=v20"}));
}

TEST_F(StorageTest, WritesStatsAndItemsSurviveReopen) {
  Put("a", "xx");
  Put("b", "yyy");
  Put("a", "zzzz");
  Del("b");
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 1);
  EXPECT_EQ(storage_->Stats(table_->id).size_bytes, 4);
  uint64_t before = storage_->Now();
  Reopen();
  EXPECT_EQ(GetAt("a", ~0ull), "zzzz");
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 1);
  EXPECT_EQ(storage_->Stats(table_->id).size_bytes, 4);
  EXPECT_GT(Put("c", "c"), before);  // the clock never goes back across a restart
}

TEST_F(StorageTest, WithoutPitrEachItemKeepsOnlyItsLatestVersion) {
  for (int i = 0; i < 1000; ++i) Put("hot", "v" + std::to_string(i));
  Put("cold", "c");
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 2u);
  EXPECT_EQ(GetAt("hot", ~0ull), "v999");
  EXPECT_EQ(ScanAt(~0ull), std::vector<std::string>({"cold=c", "hot=v999"}));
}

TEST_F(StorageTest, DeletionsLeaveNothingBehindOnceCollected) {
  Del("never-written");  // deleting an absent item writes nothing
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 0u);
  Put("a", "1");
  Del("a");
  EXPECT_EQ(GetAt("a", ~0ull), "<none>");
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 0u);
  EXPECT_EQ(ScanAt(~0ull), std::vector<std::string>());
}

TEST_F(StorageTest, HistoryBeyondRetentionIsCollectedAfterPitrIsTurnedOff) {
  SetPitr(true);
  for (int i = 0; i < 100; ++i) Put("hot", "v" + std::to_string(i));
  Put("cold", "c");
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 101u);  // inside the window
  SetPitr(false);
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 2u);
  EXPECT_EQ(GetAt("hot", ~0ull), "v99");
}

TEST_F(StorageTest, EnablingPitrStartsTheWindowAtTheLastCommit) {
  const uint64_t before = Put("k", "v1");
  TableMeta meta = *table_;
  meta.pitr_enabled = true;
  meta.pitr_since_us = 1;  // a caller's stale idea of "now"
  ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  EXPECT_GE(table_->pitr_since_us, before);
  EXPECT_EQ(storage_->FindTable("t")->pitr_since_us, table_->pitr_since_us);
  const uint64_t start = storage_->Now();
  Put("k", "v2");
  EXPECT_EQ(GetAt("k", start), "v1");
}

TEST_F(StorageTest, APinKeepsHistoryOfLaterWritesWithPitrOff) {
  Put("k", "v1");
  const uint64_t t = storage_->Now();
  auto pin = storage_->PinHistory(table_->id, t);
  Put("k", "v2");
  Del("k");
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(GetAt("k", t), "v1");
  EXPECT_EQ(ScanAt(t), std::vector<std::string>({"k=v1"}));
  EXPECT_EQ(GetAt("k", ~0ull), "<none>");
  pin.reset();
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 0u);
}

TEST_F(StorageTest, GetLatestReadsSeveralItemsAtOnce) {
  Put("a", "1");
  Put("b", "2");
  Del("b");
  Put("c", "3");
  std::vector<std::optional<std::string>> out;
  ASSERT_TRUE(
      storage_->GetLatest({{table_->id, "a"}, {table_->id, "b"}, {table_->id, "c"}}, &out).ok());
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], std::optional<std::string>("1"));
  EXPECT_EQ(out[1], std::nullopt);
  EXPECT_EQ(out[2], std::optional<std::string>("3"));
}

// Every read returns the DynamoDB size the item was written with (which the API's consumed
// capacity is charged by), not the length of its JSON; an absent item has size 0.
TEST_F(StorageTest, ReadsReturnTheSizeStoredWithTheItem) {
  ASSERT_TRUE(
      storage_
          ->Write({{table_->id, "a"}}, LockMode::kItemWrite,
                  [&](WriteTxn& txn) { txn.Put(*table_, "a", "{\"pk\":{\"S\":\"a\"}}", 4096); })
          .ok());
  std::string json;
  bool found = false;
  size_t size = 1;
  ASSERT_TRUE(storage_->Get(table_->id, "a", ~0ull, &json, &found, &size).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(size, 4096u);
  ASSERT_TRUE(storage_->Get(table_->id, "absent", ~0ull, &json, &found, &size).ok());
  EXPECT_FALSE(found);
  EXPECT_EQ(size, 0u);

  std::vector<std::optional<std::string>> items;
  std::vector<size_t> sizes;
  ASSERT_TRUE(
      storage_->GetLatest({{table_->id, "a"}, {table_->id, "absent"}}, &items, &sizes).ok());
  EXPECT_EQ(sizes, (std::vector<size_t>{4096, 0}));

  // Inside a transaction: the stored size, then the size of the transaction's own write.
  ASSERT_TRUE(storage_
                  ->Write({{table_->id, "a"}, {table_->id, "b"}}, LockMode::kTransaction,
                          [&](WriteTxn& txn) {
                            size_t old_size = 0;
                            ASSERT_TRUE(txn.Get(*table_, "a", nullptr, &found, &old_size).ok());
                            EXPECT_TRUE(found);
                            EXPECT_EQ(old_size, 4096u);
                            txn.Put(*table_, "b", "{}", 7);
                            ASSERT_TRUE(txn.Get(*table_, "b", nullptr, &found, &old_size).ok());
                            EXPECT_EQ(old_size, 7u);
                          })
                  .ok());
}

TEST_F(StorageTest, PitrWindowAndPinsKeepHistory) {
  SetPitr(true);
  std::vector<uint64_t> ts;
  for (int i = 0; i < 20; ++i) ts.push_back(Put("k", "v" + std::to_string(i)));
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  // the latest slot and 19 superseded versions, all inside the window
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 20u);
  EXPECT_EQ(GetAt("k", ts[5]), "v5");

  // Disabling PITR collects history, except what a pinned reader (an export) still needs.
  SetPitr(false);
  auto pin = storage_->PinHistory(table_->id, ts[10]);
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(GetAt("k", ts[10]), "v10");
  // v10 and the latest v19: a pin keeps the versions visible at its time, not every later one.
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 2u);
  pin.reset();
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 1u);
  EXPECT_EQ(GetAt("k", ~0ull), "v19");
}

TEST_F(StorageTest, DeleteTableRemovesItsItems) {
  Put("a", "1");
  const uint64_t id = table_->id;
  ASSERT_TRUE(storage_->DeleteTable("t").ok());
  EXPECT_EQ(storage_->FindTable("t"), nullptr);
  EXPECT_EQ(storage_->TEST_CountVersions(id), 0u);
  TableMeta meta;
  meta.name = "t";
  meta.key_schema.hash_name = "pk";
  std::shared_ptr<const TableMeta> again;
  ASSERT_TRUE(storage_->CreateTable(meta, &again).ok());
  EXPECT_NE(again->id, id);
}

TEST_F(StorageTest, AScanAsOfATimeSeesEveryItemOverwrittenOrDeletedSince) {
  SetPitr(true);
  // User keys are prefix-free (key_codec terminates every key part): "k1." never prefixes "k10.".
  auto key = [](int i) { return "k" + std::to_string(i) + "."; };
  for (int i = 0; i < 1000; ++i) Put(key(i), "v1");
  const uint64_t t = storage_->Now();
  for (int i = 0; i < 500; ++i) Put(key(i), "v2");
  for (int i = 500; i < 600; ++i) Del(key(i));
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  for (bool reverse : {false, true}) {
    auto at_t = ScanAt(t, reverse);
    ASSERT_EQ(at_t.size(), 1000u);
    for (const auto& entry : at_t) EXPECT_EQ(entry.substr(entry.find('=')), "=v1");
  }
  EXPECT_EQ(ScanAt(~0ull).size(), 900u);
}

TEST_F(StorageTest, PutAbsentLoadsItemsWithoutReadingOldVersions) {
  ASSERT_TRUE(storage_
                  ->Write({{table_->id, "a"}, {table_->id, "b"}}, LockMode::kBatchWrite,
                          [&](WriteTxn& txn) {
                            txn.PutAbsent(*table_, "a", "xx", 2);
                            txn.PutAbsent(*table_, "b", "yyy", 3);
                          })
                  .ok());
  EXPECT_EQ(GetAt("a", ~0ull), "xx");
  EXPECT_EQ(ScanAt(~0ull), std::vector<std::string>({"a=xx", "b=yyy"}));
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 2);
  EXPECT_EQ(storage_->Stats(table_->id).size_bytes, 5);
  Put("a", "zzzz");  // an ordinary write supersedes it as any other version
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 2);
  EXPECT_EQ(storage_->Stats(table_->id).size_bytes, 7);
}

TEST(StorageFormatTest, ADataDirectoryOfAnotherFormatIsRefused) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tideline-format-test-" + std::to_string(std::random_device{}()));
  {
    // What an older Tideline left: a catalog counter but no format stamp.
    std::filesystem::create_directories(dir);
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, (dir / "rocksdb").string(), &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "n", std::string(8, '\0')).ok());
    delete db;
  }
  StorageOptions options;
  options.data_dir = dir.string();
  std::unique_ptr<Storage> storage;
  Status s = Storage::Open(options, &storage);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("older Tideline storage format"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tideline::storage
