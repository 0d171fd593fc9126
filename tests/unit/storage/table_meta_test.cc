// The catalog's serialization of a table's metadata: what it writes, it reads back whole.

#include "storage/table_meta.h"

#include <gtest/gtest.h>

namespace tideline::storage {
namespace {

TableMeta TableWithIndexes() {
  TableMeta m;
  m.name = "Orders";
  m.id = 7;
  m.key_schema.hash_name = "pk";
  m.key_schema.range_name = "sk";
  m.key_schema.range_type = common::AvType::kN;
  IndexMeta gsi;
  gsi.name = "byCustomer";
  gsi.id = 1;
  gsi.hash = {{"customer", common::AvType::kS}, {"region", common::AvType::kS}};
  gsi.range = {{"total", common::AvType::kN}};
  gsi.projection = IndexMeta::Projection::kInclude;
  gsi.non_key_attributes = {"status", "note"};
  gsi.status = "CREATING";
  gsi.backfilling = true;
  gsi.read_capacity = 5;
  gsi.write_capacity = 6;
  gsi.max_read_request_units = 100;
  IndexMeta lsi;
  lsi.name = "byDate";
  lsi.id = 2;
  lsi.global = false;
  lsi.hash = {{"pk", common::AvType::kS}};
  lsi.range = {{"date", common::AvType::kB}};
  lsi.projection = IndexMeta::Projection::kKeysOnly;
  m.indexes = {gsi, lsi};
  m.next_index_id = 3;
  return m;
}

TEST(TableMetaTest, IndexesRoundTrip) {
  const TableMeta m = TableWithIndexes();
  TableMeta back;
  ASSERT_TRUE(ParseTableMeta(SerializeTableMeta(m), &back));
  ASSERT_EQ(back.indexes.size(), 2u);
  const IndexMeta& g = back.indexes[0];
  EXPECT_EQ(g.name, "byCustomer");
  EXPECT_EQ(g.id, 1u);
  EXPECT_TRUE(g.global);
  ASSERT_EQ(g.hash.size(), 2u);
  EXPECT_EQ(g.hash[1].name, "region");
  ASSERT_EQ(g.range.size(), 1u);
  EXPECT_EQ(g.range[0].type, common::AvType::kN);
  EXPECT_EQ(g.projection, IndexMeta::Projection::kInclude);
  EXPECT_EQ(g.non_key_attributes, (std::vector<std::string>{"status", "note"}));
  EXPECT_EQ(g.status, "CREATING");
  EXPECT_TRUE(g.backfilling);
  EXPECT_EQ(g.read_capacity, 5);
  EXPECT_EQ(g.write_capacity, 6);
  EXPECT_EQ(g.max_read_request_units, 100);
  const IndexMeta& l = back.indexes[1];
  EXPECT_FALSE(l.global);
  EXPECT_EQ(l.projection, IndexMeta::Projection::kKeysOnly);
  EXPECT_EQ(l.range[0].type, common::AvType::kB);
  EXPECT_EQ(back.next_index_id, 3u);
}

TEST(TableMetaTest, CatalogWithoutIndexesReadsAsNone) {
  // A catalog entry written before indexes existed has neither field.
  TableMeta m = TableWithIndexes();
  m.indexes.clear();
  std::string text = SerializeTableMeta(m);
  const size_t at = text.find(",\"next_index_id\"");
  ASSERT_NE(at, std::string::npos);
  text.erase(at, text.find('}', at) - at);
  TableMeta back;
  ASSERT_TRUE(ParseTableMeta(text, &back));
  EXPECT_TRUE(back.indexes.empty());
  EXPECT_EQ(back.next_index_id, 1u);
}

TEST(TableMetaTest, CorruptIndexIsRefused) {
  std::string text = SerializeTableMeta(TableWithIndexes());
  const size_t at = text.find("\"projection\":\"INCLUDE\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 22, "\"projection\":\"SOME\"");
  TableMeta back;
  EXPECT_FALSE(ParseTableMeta(text, &back));
}

}  // namespace
}  // namespace tideline::storage
