#include "api/index_write_metrics.h"

#include <gtest/gtest.h>

namespace tideline::api {
namespace {

// A table with a GSI "g" (id 1) and an LSI "l" (id 2).
storage::TableMeta IndexedTable() {
  storage::TableMeta table;
  table.name = "t";
  table.id = 7;
  storage::IndexMeta gsi;
  gsi.name = "g";
  gsi.id = 1;
  storage::IndexMeta lsi;
  lsi.name = "l";
  lsi.id = 2;
  lsi.global = false;
  table.indexes = {gsi, lsi};
  return table;
}

storage::IndexWrite Entry(uint32_t index, bool had, size_t old_size, bool has, size_t new_size,
                          bool same_key = false, bool unchanged = false) {
  storage::IndexWrite w;
  w.table_id = 7;
  w.index_id = index;
  w.had_entry = had;
  w.old_size = old_size;
  w.has_entry = has;
  w.new_size = new_size;
  w.same_key = same_key;
  w.unchanged = unchanged;
  return w;
}

double GsiUnits(const std::vector<storage::IndexWrite>& writes) {
  WriteCharge charge{"t", 1};
  AddIndexUnits(IndexedTable(), writes, &charge);
  return charge.global_indexes.empty() ? -1 : charge.global_indexes[0].second;
}

TEST(IndexWriteUnits, NewEntryIsOnePutSizedInKilobytes) {
  EXPECT_EQ(GsiUnits({Entry(1, false, 0, true, 100)}), 1);
  EXPECT_EQ(GsiUnits({Entry(1, false, 0, true, 2049)}), 3);
}

TEST(IndexWriteUnits, RemovedEntryCostsTheOldSize) {
  EXPECT_EQ(GsiUnits({Entry(1, true, 1500, false, 0)}), 2);
}

TEST(IndexWriteUnits, OverwriteInPlaceCostsTheLarger) {
  EXPECT_EQ(GsiUnits({Entry(1, true, 3000, true, 100, /*same_key=*/true)}), 3);
}

TEST(IndexWriteUnits, MovedKeyCostsADeleteAndAPutRoundedEach) {
  EXPECT_EQ(GsiUnits({Entry(1, true, 1025, true, 1, /*same_key=*/false)}), 3);
}

// An identical entry costs nothing and leaves no arm.
TEST(IndexWriteUnits, IdenticalEntryHasNoArm) {
  EXPECT_EQ(GsiUnits({Entry(1, true, 10, true, 10, true, /*unchanged=*/true)}), -1);
}

TEST(IndexWriteUnits, ArmsByKindAndTotal) {
  WriteCharge charge{"t", 2};
  storage::IndexWrite other_table = Entry(1, false, 0, true, 10);
  other_table.table_id = 8;
  AddIndexUnits(IndexedTable(),
                {Entry(1, false, 0, true, 10), Entry(2, false, 0, true, 10), other_table}, &charge);
  ASSERT_EQ(charge.global_indexes.size(), 1u);
  ASSERT_EQ(charge.local_indexes.size(), 1u);
  EXPECT_EQ(charge.local_indexes[0].first, "l");
  EXPECT_EQ(charge.Total(), 4);
}

}  // namespace
}  // namespace tideline::api
