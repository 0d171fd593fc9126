// Secondary indexes in storage: commit-path maintenance, cursor, backfill (with concurrent writes
// and crashes), removal, and the invariant check (Storage::VerifyIndexes) after random workloads.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "model/attribute_value.h"
#include "model/index_key.h"
#include "storage/bulk_load.h"
#include "storage/index_jobs.h"
#include "storage/storage.h"

namespace tideline::storage {
namespace {

using model::AttributeValue;
using model::AvType;
using model::Item;

IndexMeta Index(std::string name, uint32_t id, std::vector<IndexKeyAttribute> hash,
                std::vector<IndexKeyAttribute> range, IndexMeta::Projection projection,
                std::vector<std::string> non_key = {}, bool global = true) {
  IndexMeta ix;
  ix.name = std::move(name);
  ix.id = id;
  ix.global = global;
  ix.hash = std::move(hash);
  ix.range = std::move(range);
  ix.projection = projection;
  ix.non_key_attributes = std::move(non_key);
  return ix;
}

// The indexes of the random workloads: one of each kind.
std::vector<IndexMeta> AllKinds() {
  return {
      Index("g_all", 1, {{"gk", AvType::kS}}, {{"gr", AvType::kN}}, IndexMeta::Projection::kAll),
      Index("g_keys", 2, {{"gn", AvType::kN}}, {}, IndexMeta::Projection::kKeysOnly),
      Index("g_multi", 3, {{"a", AvType::kS}, {"b", AvType::kN}},
            {{"c", AvType::kS}, {"gr", AvType::kN}}, IndexMeta::Projection::kInclude,
            {"x", "missing"}),
      Index("l_all", 4, {{"pk", AvType::kS}}, {{"lr", AvType::kS}}, IndexMeta::Projection::kAll, {},
            /*global=*/false)};
}

class IndexStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tideline-index-test-" + std::to_string(std::random_device{}()));
    Open(dir_);
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(dir_.string() + "-crashed");
  }
  void Open(const std::filesystem::path& dir) {
    storage_.reset();
    StorageOptions options;
    options.data_dir = dir.string();
    ASSERT_TRUE(Storage::Open(options, &storage_).ok());
  }
  void CreateTable(std::vector<IndexMeta> indexes) {
    TableMeta meta;
    meta.name = "t";
    meta.key_schema = {"pk", AvType::kS, "sk", AvType::kS};
    meta.indexes = std::move(indexes);
    meta.next_index_id = 10;
    ASSERT_TRUE(storage_->CreateTable(meta, &table_).ok());
  }
  void Refresh() { table_ = storage_->FindTable("t"); }
  // What a kill -9 now would leave (the WAL buffer is lost), opened in place of the database.
  void CrashAndReopen() {
    const std::filesystem::path copy = dir_.string() + "-crashed";
    std::filesystem::remove_all(copy);
    std::filesystem::copy(dir_, copy, std::filesystem::copy_options::recursive);
    std::filesystem::remove(copy / "rocksdb" / "LOCK");
    storage_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::rename(copy, dir_);
    Open(dir_);
    Refresh();
  }
  static std::string Key(const Item& item) {
    return model::KeyOfItem({"pk", AvType::kS, "sk", AvType::kS}, item);
  }
  Status Put(const Item& item, std::vector<IndexWrite>* writes = nullptr) {
    return storage_->Write(
        {{table_->id, Key(item)}}, LockMode::kItemWrite,
        [&](WriteTxn& txn) {
          std::string json = model::ItemToJson(item);
          txn.Put(*table_, Key(item), json, model::ItemSize(item));
        },
        nullptr, nullptr, writes);
  }
  void Verify(const char* when) {
    Status s = storage_->VerifyIndexes(table_->id);
    ASSERT_TRUE(s.ok()) << when << ": " << s.ToString();
  }
  std::vector<std::string> IndexContents(uint32_t index_id, bool reverse = false) {
    std::vector<std::string> out;
    auto c = storage_->NewIndexCursor(table_->id, index_id, "", "", reverse);
    for (; c->Valid(); c->Next()) out.emplace_back(c->item_json());
    EXPECT_TRUE(c->status().ok());
    return out;
  }
  const IndexMeta* FindIndex(uint32_t id) {
    Refresh();
    for (const auto& ix : table_->indexes) {
      if (ix.id == id) return &ix;
    }
    return nullptr;
  }
  bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 3000; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Storage> storage_;
  std::shared_ptr<const TableMeta> table_;
};

AttributeValue S(std::string s) { return AttributeValue::String(std::move(s)); }
AttributeValue N(int64_t n) { return AttributeValue::Number(std::to_string(n)); }

// A random item over few keys, so that puts overwrite, move index keys, and drop attributes;
// sometimes with an index key of the wrong type or empty (such an item is not in that index).
Item RandomItem(std::mt19937_64& rng, int keys) {
  Item item{{"pk", S("p" + std::to_string(rng() % 5))},
            {"sk", S("s" + std::to_string(rng() % keys))}};
  auto maybe = [&](const char* name, AttributeValue v) {
    if (rng() % 4 != 0) item[name] = std::move(v);
  };
  maybe("gk", rng() % 20 == 0 ? N(1) : S("g" + std::to_string(rng() % 3)));
  maybe("gr", N(static_cast<int64_t>(rng() % 7) - 3));
  maybe("gn", rng() % 20 == 0 ? S("") : N(rng() % 4));
  maybe("a", rng() % 20 == 0 ? S("") : S("a" + std::to_string(rng() % 2)));
  maybe("b", N(rng() % 2));
  maybe("c", S("c" + std::to_string(rng() % 3)));
  maybe("x", S(std::string(rng() % 30, 'x')));
  maybe("lr", S("l" + std::to_string(rng() % 4)));
  maybe("other", N(rng() % 1000));
  return item;
}

// Random puts, deletes and multi-op transactions (the same key twice included).
void RandomWorkload(Storage& storage, const TableMeta& table, std::mt19937_64& rng, int ops,
                    int keys) {
  for (int i = 0; i < ops; ++i) {
    const int n = rng() % 5 == 0 ? 1 + static_cast<int>(rng() % 4) : 1;
    std::vector<std::pair<Item, bool>> ops;  // item, delete
    std::vector<ItemRef> refs;
    for (int j = 0; j < n; ++j) {
      Item item = RandomItem(rng, keys);
      refs.push_back({table.id, model::KeyOfItem(table.key_schema, item)});
      ops.emplace_back(std::move(item), rng() % 5 == 0);
    }
    Status s = storage.Write(refs, LockMode::kBatchWrite, [&](WriteTxn& txn) {
      for (size_t j = 0; j < ops.size(); ++j) {
        if (ops[j].second) {
          txn.Delete(table, refs[j].user_key);
        } else {
          txn.Put(table, refs[j].user_key, model::ItemToJson(ops[j].first),
                  model::ItemSize(ops[j].first));
        }
      }
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

TEST_F(IndexStorageTest, RandomWorkloadKeepsEveryIndexExact) {
  CreateTable(AllKinds());
  std::mt19937_64 rng(7);
  for (int round = 0; round < 5; ++round) {
    RandomWorkload(*storage_, *table_, rng, 400, 30);
    Verify("after a workload round");
  }
  EXPECT_GT(storage_->IndexStats(table_->id, 1).item_count, 0);
  EXPECT_GT(storage_->IndexStats(table_->id, 3).item_count, 0);
  Open(dir_);  // a clean restart keeps the statistics
  Refresh();
  Verify("after a clean restart");
  RandomWorkload(*storage_, *table_, rng, 300, 30);
  CrashAndReopen();  // statistics recounted
  Verify("after a crash");
}

TEST_F(IndexStorageTest, EntriesMoveWithTheirKeyAndSparseItemsHaveNone) {
  CreateTable(AllKinds());
  std::vector<IndexWrite> writes;
  ASSERT_TRUE(Put({{"pk", S("p")}, {"sk", S("s")}, {"gk", S("g1")}, {"gr", N(1)}}, &writes).ok());
  ASSERT_EQ(writes.size(), 1u);  // only g_all: the others lack key attributes
  EXPECT_EQ(writes[0].index_id, 1u);
  EXPECT_FALSE(writes[0].had_entry);
  EXPECT_TRUE(writes[0].has_entry);
  // Same key, same attributes: an unchanged entry.
  ASSERT_TRUE(Put({{"pk", S("p")}, {"sk", S("s")}, {"gk", S("g1")}, {"gr", N(1)}}, &writes).ok());
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_TRUE(writes[0].same_key && writes[0].unchanged);
  // A moved key: a delete and a put.
  ASSERT_TRUE(Put({{"pk", S("p")}, {"sk", S("s")}, {"gk", S("g2")}, {"gr", N(1)}}, &writes).ok());
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_TRUE(writes[0].had_entry && writes[0].has_entry);
  EXPECT_FALSE(writes[0].same_key);
  EXPECT_EQ(IndexContents(1).size(), 1u);
  // A wrong-typed key attribute: not in the index (the API refuses such writes beforehand).
  ASSERT_TRUE(Put({{"pk", S("p")}, {"sk", S("s")}, {"gk", N(5)}, {"gr", N(1)}}, &writes).ok());
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_TRUE(writes[0].had_entry);
  EXPECT_FALSE(writes[0].has_entry);
  EXPECT_TRUE(IndexContents(1).empty());
  Verify("after moves");
}

TEST_F(IndexStorageTest, CursorOrdersByIndexKeyThenTableKey) {
  CreateTable({Index("g", 1, {{"gk", AvType::kS}}, {{"gr", AvType::kN}},
                     IndexMeta::Projection::kKeysOnly)});
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(Put({{"pk", S("p" + std::to_string(i))},
                     {"sk", S("s")},
                     {"gk", S("same")},
                     {"gr", N(i % 3 == 0 ? -i : i)},
                     {"junk", S("j")}})
                    .ok());
  }
  auto forward = storage_->NewIndexCursor(table_->id, 1, "", "");
  std::vector<std::pair<std::string, std::string>> keys;
  for (; forward->Valid(); forward->Next()) {
    keys.emplace_back(forward->index_key(), forward->table_key());
    EXPECT_EQ(std::string(forward->item_json()).find("junk"), std::string::npos);  // KEYS_ONLY
  }
  ASSERT_EQ(keys.size(), 6u);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  std::vector<std::string> fwd = IndexContents(1), rev = IndexContents(1, true);
  std::reverse(rev.begin(), rev.end());
  EXPECT_EQ(fwd, rev);
  // Bounds over index keys: one partition.
  const std::string prefix =
      model::EncodeIndexPartitionPrefix(table_->indexes[0].key_schema(), {S("same")});
  std::string upper = prefix;
  upper.back()++;
  auto bounded = storage_->NewIndexCursor(table_->id, 1, prefix, upper);
  int n = 0;
  for (; bounded->Valid(); bounded->Next()) ++n;
  EXPECT_EQ(n, 6);
}

TEST_F(IndexStorageTest, BackfillWithConcurrentWritesEndsExactAndActive) {
  CreateTable({Index("l_all", 4, {{"pk", AvType::kS}}, {{"lr", AvType::kS}},
                     IndexMeta::Projection::kAll, {}, false)});
  std::mt19937_64 rng(11);
  RandomWorkload(*storage_, *table_, rng, 6000, 3000);
  TableMeta meta = *table_;
  meta.indexes.push_back(Index("g_multi", 10, {{"a", AvType::kS}, {"b", AvType::kN}},
                               {{"c", AvType::kS}, {"gr", AvType::kN}},
                               IndexMeta::Projection::kInclude, {"x"}));
  meta.indexes.back().status = "CREATING";
  meta.next_index_id = 11;
  ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  RandomWorkload(*storage_, *table_, rng, 500, 3000);  // indexed by the commit path alone
  ASSERT_TRUE(storage_->StartIndexBackfill(table_->id, 10).ok());
  EXPECT_TRUE(FindIndex(10)->backfilling);
  std::mt19937_64 rng2(12);
  RandomWorkload(*storage_, *table_, rng2, 3000, 3000);  // during the backfill
  ASSERT_TRUE(WaitFor([&] { return FindIndex(10)->status == "ACTIVE"; }));
  EXPECT_FALSE(FindIndex(10)->backfilling);
  Verify("after the backfill");
  // A caller's stale copy of the metadata does not turn the index back to CREATING.
  ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  EXPECT_EQ(FindIndex(10)->status, "ACTIVE");
}

TEST_F(IndexStorageTest, BackfillCutShortByACrashResumesWithoutMissingOrExtraEntries) {
  CreateTable({});
  std::mt19937_64 rng(13);
  RandomWorkload(*storage_, *table_, rng, 30000, 20000);
  TableMeta meta = *table_;
  meta.indexes.push_back(
      Index("g_all", 10, {{"gk", AvType::kS}}, {{"gr", AvType::kN}}, IndexMeta::Projection::kAll));
  meta.indexes.back().status = "CREATING";
  meta.next_index_id = 11;
  ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  ASSERT_TRUE(storage_->StartIndexBackfill(table_->id, 10).ok());
  RandomWorkload(*storage_, *table_, rng, 200, 20000);
  // What a client was told of (the index's creation, the writes) is durable before the crash.
  ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  CrashAndReopen();  // most likely mid-backfill; either way the result must be exact
  ASSERT_NE(FindIndex(10), nullptr);
  ASSERT_TRUE(WaitFor([&] { return FindIndex(10)->status == "ACTIVE"; }));
  RandomWorkload(*storage_, *table_, rng, 200, 20000);
  Verify("after a resumed backfill");
}

// Writes at the backfill's steps (index_backfill.cc): before its snapshot (records of no run),
// between the snapshot and the ingest (the ingested files bring back entries these writes
// removed, or mask the ones they put under the same key), and after the ingest. Each wave moves
// index keys, keeps them with new values, drops attributes and deletes items.
class BackfillStepsTest : public IndexStorageTest {
 protected:
  void TearDown() override {
    SetBackfillStepHookForTesting(nullptr);
    IndexStorageTest::TearDown();
  }
  void AddCreatingIndex() {
    TableMeta meta = *table_;
    meta.indexes.push_back(Index("g_all", 10, {{"gk", AvType::kS}}, {{"gr", AvType::kN}},
                                 IndexMeta::Projection::kAll));
    meta.indexes.push_back(Index("g_inc", 11, {{"a", AvType::kS}}, {{"c", AvType::kS}},
                                 IndexMeta::Projection::kInclude, {"x"}));
    for (auto& ix : meta.indexes) ix.status = "CREATING";
    meta.next_index_id = 12;
    ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  }
  // A wave of writes over every key of the table's few thousand (seeded per wave). A backfill
  // step hook passes the table it captured: table_ is the test thread's, which Refresh()
  // replaces while the hook runs on the backfill's thread.
  void Wave(uint64_t seed, const std::shared_ptr<const TableMeta>& table = nullptr) {
    std::mt19937_64 rng(seed);
    RandomWorkload(*storage_, table ? *table : *table_, rng, 1500, 400);
  }
  bool Active() {
    const IndexMeta* a = FindIndex(10);
    const IndexMeta* b = FindIndex(11);
    return a && b && a->status == "ACTIVE" && b->status == "ACTIVE";
  }
};

TEST_F(BackfillStepsTest, WritesAroundTheSnapshotAndTheIngestLeaveTheIndexExact) {
  CreateTable({});
  Wave(1);
  AddCreatingIndex();
  Wave(2);  // before the snapshot
  std::atomic<int> steps{0};
  const std::shared_ptr<const TableMeta> table = table_;
  SetBackfillStepHookForTesting([&, table](std::string_view step) {
    if (step == "snapshot") Wave(3, table);
    if (step == "ingested") Wave(4, table);
    ++steps;
  });
  ASSERT_TRUE(storage_->StartIndexBackfill(table_->id, 10).ok());
  ASSERT_TRUE(storage_->StartIndexBackfill(table_->id, 11).ok());
  ASSERT_TRUE(WaitFor([&] { return Active(); }));
  EXPECT_EQ(steps.load(), 4);
  Verify("after writes around a backfill's steps");
  Wave(5);
  Verify("after more writes");
}

TEST_F(BackfillStepsTest, CrashAfterTheIngestBeforeTheRepairsResumesExact) {
  CreateTable({});
  Wave(1);
  AddCreatingIndex();
  Wave(2);
  const std::filesystem::path image = dir_.string() + "-crashed";
  std::atomic<bool> crashed{false};
  const std::shared_ptr<const TableMeta> table = table_;
  SetBackfillStepHookForTesting([&, table](std::string_view step) {
    if (step == "snapshot") Wave(3, table);
    if (step != "ingested" || crashed) return;
    Wave(4, table);
    // What a kill -9 here would leave: the ingested runs, the acknowledged writes and their
    // records, none of the repairs.
    ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
    std::filesystem::remove_all(image);
    std::filesystem::copy(dir_, image, std::filesystem::copy_options::recursive);
    std::filesystem::remove(image / "rocksdb" / "LOCK");
    crashed = true;
  });
  ASSERT_TRUE(storage_->StartIndexBackfill(table_->id, 10).ok());
  ASSERT_TRUE(WaitFor([&] { return crashed.load(); }));
  SetBackfillStepHookForTesting(nullptr);
  storage_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::rename(image, dir_);
  Open(dir_);
  Refresh();
  ASSERT_EQ(FindIndex(10)->status, "CREATING");
  ASSERT_TRUE(storage_->StartIndexBackfill(table_->id, 11).ok());
  Wave(5);  // during the resumed backfills
  ASSERT_TRUE(WaitFor([&] { return Active(); }));
  Verify("after a crash between ingest and repairs");
}

TEST_F(IndexStorageTest, RemovalAndDeleteTableDropEntries) {
  CreateTable(AllKinds());
  std::mt19937_64 rng(17);
  RandomWorkload(*storage_, *table_, rng, 300, 50);
  ASSERT_FALSE(IndexContents(2).empty());
  ASSERT_TRUE(storage_->StartIndexRemoval(table_->id, 2).ok());
  ASSERT_TRUE(WaitFor([&] { return FindIndex(2) == nullptr; }));
  EXPECT_TRUE(IndexContents(2).empty());
  EXPECT_EQ(storage_->IndexStats(table_->id, 2).item_count, 0);
  RandomWorkload(*storage_, *table_, rng, 100, 50);
  Verify("after a removal");
  const uint64_t id = table_->id;
  ASSERT_TRUE(storage_->DeleteTable("t").ok());
  auto c = storage_->NewIndexCursor(id, 1, "", "");
  EXPECT_FALSE(c->Valid());
}

TEST_F(IndexStorageTest, BulkLoadFillsIndexesFromOverlappingSortedRuns) {
  CreateTable(AllKinds());
  std::mt19937_64 rng(19);
  std::map<std::string, Item> items;  // in user-key order, as a restore's cursor gives them
  for (int i = 0; i < 5000; ++i) {
    Item item = RandomItem(rng, 100000);
    items[Key(item)] = item;
  }
  BulkLoadOptions options;
  options.index_run_bytes = 64 << 10;  // many runs, overlapping one another
  std::unique_ptr<BulkLoader> loader;
  ASSERT_TRUE(BulkLoader::Start(*storage_, *table_, options, &loader).ok());
  for (const auto& [key, item] : items) {
    ASSERT_TRUE(loader->Add(key, model::ItemToJson(item), model::ItemSize(item)).ok());
  }
  Status s = loader->Finish();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GT(loader->files(), 5);
  Verify("after a bulk load");
  RandomWorkload(*storage_, *table_, rng, 300, 100000);
  Verify("after writes over a bulk load");
}

}  // namespace
}  // namespace tideline::storage
