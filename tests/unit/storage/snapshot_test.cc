// Snapshots (durable history pins for on-demand backups): a snapshot reads the table as of its
// time while writes go on, keeps only the versions visible then, survives restarts and crashes,
// outlives its table, and releases its space when deleted (docs/storage.md "Snapshots").

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/storage.h"
#include "storage_fixture.h"

namespace tideline::storage {
namespace {

class SnapshotTest : public StorageFixture {
 protected:
  void Put(const std::string& key, const std::string& json) {
    ASSERT_TRUE(storage_
                    ->Write({{table_->id, key}}, LockMode::kItemWrite,
                            [&](WriteTxn& txn) { txn.Put(*table_, key, json, json.size()); })
                    .ok());
  }
  void Del(const std::string& key) {
    ASSERT_TRUE(storage_
                    ->Write({{table_->id, key}}, LockMode::kItemWrite,
                            [&](WriteTxn& txn) { txn.Delete(*table_, key); })
                    .ok());
  }
  static std::vector<std::string> ScanAt(const Storage& storage, uint64_t table_id, uint64_t ts) {
    std::vector<std::string> out;
    auto c = storage.NewCursor(table_id, ts, "", "");
    for (; c->Valid(); c->Next()) {
      out.push_back(std::string(c->user_key()) + "=" + std::string(c->item_json()));
    }
    EXPECT_TRUE(c->status().ok());
    return out;
  }
  std::shared_ptr<const Storage::Snapshot> Snap(const std::string& name) {
    std::shared_ptr<const Storage::Snapshot> s;
    EXPECT_TRUE(storage_->CreateSnapshot("t", name, "payload of " + name, &s).ok());
    return s;
  }
  // User keys are prefix-free in real use (key_codec terminates every key part).
  static std::string Key(int i) { return "k" + std::to_string(i) + "."; }
};

TEST_F(SnapshotTest, ReadsTheTableAsOfItsTimeWhileWritesGoOn) {
  for (int i = 0; i < 100; ++i) Put(Key(i), "v1");
  auto snap = Snap("s");
  const auto before = ScanAt(*storage_, table_->id, ~0ull);
  for (int i = 0; i < 50; ++i) Put(Key(i), "v2");
  for (int i = 50; i < 60; ++i) Del(Key(i));
  for (int i = 100; i < 110; ++i) Put(Key(i), "new");
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(ScanAt(*storage_, table_->id, snap->ts), before);
  EXPECT_EQ(snap->stats.item_count, 100);
  EXPECT_EQ(snap->stats.size_bytes, 200);
  EXPECT_EQ(snap->table.name, "t");
  EXPECT_EQ(snap->payload, "payload of s");
  EXPECT_EQ(ScanAt(*storage_, table_->id, ~0ull).size(), 100u);
}

TEST_F(SnapshotTest, KeepsOnlyTheVersionsVisibleAtItsTimeAndReleasesThemWhenDeleted) {
  Put("k", "v0");
  auto snap = Snap("s");
  for (int i = 1; i <= 20; ++i) Put("k", "v" + std::to_string(i));
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  // The latest slot and v0: the 19 versions written and superseded after the snapshot are gone.
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 2u);
  EXPECT_EQ(ScanAt(*storage_, table_->id, snap->ts), std::vector<std::string>({"k=v0"}));
  ASSERT_TRUE(storage_->DeleteSnapshot("s").ok());
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 1u);
  EXPECT_EQ(storage_->FindSnapshot("s"), nullptr);
  // Writes no longer keep what they supersede.
  Put("k", "v21");
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 1u);
}

TEST_F(SnapshotTest, SeveralSnapshotsKeepTheirOwnVersions) {
  Put("k", "a");
  auto first = Snap("first");
  Put("k", "b");
  Put("k", "c");
  auto second = Snap("second");
  Put("k", "d");
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 3u);  // d (latest), c, a
  EXPECT_EQ(ScanAt(*storage_, table_->id, first->ts), std::vector<std::string>({"k=a"}));
  EXPECT_EQ(ScanAt(*storage_, table_->id, second->ts), std::vector<std::string>({"k=c"}));
  ASSERT_TRUE(storage_->DeleteSnapshot("first").ok());
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(storage_->TEST_CountVersions(table_->id), 2u);
  EXPECT_EQ(ScanAt(*storage_, table_->id, second->ts), std::vector<std::string>({"k=c"}));
}

TEST_F(SnapshotTest, SurvivesRestartsAndCrashes) {
  Put("k", "v1");
  auto snap = Snap("s");
  ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  {
    auto crashed = OpenCrashedCopy();
    ASSERT_NE(crashed, nullptr);
    auto found = crashed->FindSnapshot("s");
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->ts, snap->ts);
    EXPECT_EQ(found->stats.item_count, 1);
    EXPECT_EQ(found->table.table_uuid, table_->table_uuid);
    EXPECT_EQ(found->payload, "payload of s");
  }
  Reopen();
  ASSERT_EQ(storage_->ListSnapshots().size(), 1u);
  // After the restart, writes still keep what the snapshot reads.
  Put("k", "v2");
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(ScanAt(*storage_, table_->id, snap->ts), std::vector<std::string>({"k=v1"}));
}

TEST_F(SnapshotTest, ADeletedTableKeepsItsItemsUntilItsLastSnapshotGoes) {
  for (int i = 0; i < 10; ++i) Put(Key(i), "v");
  auto a = Snap("a");
  auto b = Snap("b");
  const uint64_t id = table_->id;
  ASSERT_TRUE(storage_->DeleteTable("t").ok());
  EXPECT_EQ(storage_->FindTable("t"), nullptr);
  Reopen();
  ASSERT_TRUE(storage_->CompactTable(id).ok());
  EXPECT_EQ(ScanAt(*storage_, id, a->ts).size(), 10u);
  ASSERT_TRUE(storage_->DeleteSnapshot("a").ok());
  EXPECT_EQ(ScanAt(*storage_, id, b->ts).size(), 10u);
  ASSERT_TRUE(storage_->DeleteSnapshot("b").ok());
  EXPECT_EQ(storage_->TEST_CountVersions(id), 0u);
  Reopen();
  EXPECT_EQ(storage_->TEST_CountVersions(id), 0u);
}

TEST_F(SnapshotTest, AReaderOfADeletedSnapshotKeepsTheItemsUntilItIsDone) {
  Put("k", "v");
  Snap("s");
  const uint64_t id = table_->id;
  ASSERT_TRUE(storage_->DeleteTable("t").ok());
  std::shared_ptr<const Storage::Snapshot> snap;
  auto pin = storage_->PinSnapshot("s", &snap);
  ASSERT_NE(pin, nullptr);
  ASSERT_TRUE(storage_->DeleteSnapshot("s").ok());
  EXPECT_EQ(ScanAt(*storage_, id, snap->ts), std::vector<std::string>({"k=v"}));
  pin.reset();
  EXPECT_EQ(storage_->TEST_CountVersions(id), 0u);
  EXPECT_EQ(storage_->PinSnapshot("s", &snap), nullptr);
}

TEST_F(SnapshotTest, ErrorsOfMissingTablesAndNames) {
  EXPECT_TRUE(storage_->CreateSnapshot("nope", "x", "").IsNotFound());
  Snap("s");
  EXPECT_TRUE(storage_->CreateSnapshot("t", "s", "").IsAlreadyExists());
  EXPECT_TRUE(storage_->DeleteSnapshot("other").IsNotFound());
}

}  // namespace
}  // namespace tideline::storage
