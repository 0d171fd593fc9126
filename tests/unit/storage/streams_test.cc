// Stream records written by the commit path, stream descriptors, retention, and the expiry
// sweeper's Time to Live deletions.

#include <gtest/gtest.h>

#include <chrono>

#include "storage/expiry_sweeper.h"
#include "storage/ttl_expiry.h"
#include "storage_fixture.h"

namespace tideline::storage {
namespace {

class StreamsTest : public StorageFixture {
 protected:
  void SetStream(const std::string& view, const std::string& label) {
    TableMeta meta = *storage_->FindTable("t");
    meta.stream_view_type = view;
    if (!label.empty()) meta.stream_label = label;
    ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  }
  void Put(const std::string& key, const std::string& json) {
    ASSERT_TRUE(storage_
                    ->Write({{table_->id, key}}, LockMode::kItemWrite,
                            [&](WriteTxn& txn) { txn.Put(*table_, key, json, json.size()); })
                    .ok());
  }
  void Delete(const std::string& key, WriteOrigin origin = WriteOrigin::kUser) {
    ASSERT_TRUE(storage_
                    ->Write({{table_->id, key}}, LockMode::kItemWrite,
                            [&](WriteTxn& txn) { txn.Delete(*table_, key, origin); })
                    .ok());
  }
  StreamDescriptor Stream(const std::string& label) {
    StreamDescriptor d;
    EXPECT_TRUE(storage_->FindStream("t", label, &d).ok());
    return d;
  }
  std::vector<StreamRecord> Records(const StreamDescriptor& d, StreamPosition from = {}) {
    std::vector<StreamRecord> out;
    bool end = false;
    EXPECT_TRUE(storage_->ReadStreamRecords(d, from, 1000, 1 << 20, &out, &end).ok());
    return out;
  }
};

TEST_F(StreamsTest, WritesThatChangeAnItemHaveOneRecordEach) {
  Put("before", R"({"pk":{"S":"before"}})");  // before the stream: no record
  SetStream("NEW_AND_OLD_IMAGES", "L1");
  Put("a", R"({"pk":{"S":"a"},"v":{"N":"1"}})");
  Put("a", R"({"pk":{"S":"a"},"v":{"N":"1"}})");  // identical
  Put("a", R"({"pk":{"S":"a"},"v":{"N":"2"}})");
  Delete("missing");
  Delete("a", WriteOrigin::kTimeToLive);
  auto records = Records(Stream("L1"));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].event, StreamEvent::kInsert);
  EXPECT_FALSE(records[0].has_old);
  EXPECT_EQ(records[0].new_json, R"({"pk":{"S":"a"},"v":{"N":"1"}})");
  EXPECT_EQ(records[1].event, StreamEvent::kModify);
  EXPECT_EQ(records[1].old_json, R"({"pk":{"S":"a"},"v":{"N":"1"}})");
  EXPECT_EQ(records[1].new_json, R"({"pk":{"S":"a"},"v":{"N":"2"}})");
  EXPECT_EQ(records[2].event, StreamEvent::kRemove);
  EXPECT_EQ(records[2].origin, WriteOrigin::kTimeToLive);
  EXPECT_FALSE(records[2].has_new);
  EXPECT_LT(records[0].ts, records[1].ts);
  // Reading from a position skips what is before it.
  EXPECT_EQ(Records(Stream("L1"), {records[1].ts, records[1].op + 1}).size(), 1u);
}

TEST_F(StreamsTest, EqualItemsWithSetsInAnotherOrderMakeNoRecord) {
  SetStream("KEYS_ONLY", "L1");
  Put("a", R"({"pk":{"S":"a"},"s":{"SS":["x","y"]}})");
  Put("a", R"({"pk":{"S":"a"},"s":{"SS":["y","x"]}})");
  EXPECT_EQ(Records(Stream("L1")).size(), 1u);
}

TEST_F(StreamsTest, KeysOnlyStoresOneImageForTheKeys) {
  SetStream("KEYS_ONLY", "L1");
  Put("a", R"({"pk":{"S":"a"}})");
  Delete("a");
  auto records = Records(Stream("L1"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].has_new && !records[0].has_old);
  EXPECT_TRUE(records[1].has_old && !records[1].has_new);
}

TEST_F(StreamsTest, DisableClosesTheStreamAndAReEnableOpensAnother) {
  SetStream("NEW_IMAGE", "L1");
  Put("a", R"({"pk":{"S":"a"}})");
  SetStream("", "");
  Put("b", R"({"pk":{"S":"b"}})");
  SetStream("OLD_IMAGE", "L2");
  Put("c", R"({"pk":{"S":"c"}})");
  StreamDescriptor first = Stream("L1"), second = Stream("L2");
  EXPECT_FALSE(first.enabled());
  EXPECT_TRUE(second.enabled());
  EXPECT_LE(first.end_ts, second.start_ts);
  ASSERT_EQ(Records(first).size(), 1u);
  EXPECT_EQ(Records(first)[0].new_json, R"({"pk":{"S":"a"}})");
  ASSERT_EQ(Records(second).size(), 1u);
  EXPECT_EQ(Records(second)[0].new_json, R"({"pk":{"S":"c"}})");
  std::vector<StreamDescriptor> listed;
  bool more = false;
  ASSERT_TRUE(storage_->ListStreams("t", "", 1, &listed, &more).ok());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(more);
  ASSERT_TRUE(storage_->ListStreams("t", "t/stream/L1", 10, &listed, &more).ok());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].label, "L2");
  EXPECT_FALSE(more);
  // A deleted table's stream closes and stays.
  ASSERT_TRUE(storage_->DeleteTable("t").ok());
  EXPECT_FALSE(Stream("L2").enabled());
  EXPECT_EQ(Records(Stream("L2")).size(), 1u);
}

TEST_F(StreamsTest, RecordsAreDurableWithTheirWrites) {
  SetStream("NEW_IMAGE", "L1");
  Put("a", R"({"pk":{"S":"a"}})");
  ASSERT_TRUE(storage_->WaitDurable(storage_->Fence()).ok());
  Put("b", R"({"pk":{"S":"b"}})");  // not written out: lost with its record
  auto crashed = OpenCrashedCopy();
  ASSERT_NE(crashed, nullptr);
  StreamDescriptor d;
  ASSERT_TRUE(crashed->FindStream("t", "L1", &d).ok());
  std::vector<StreamRecord> records;
  bool end = false;
  ASSERT_TRUE(crashed->ReadStreamRecords(d, {}, 1000, 1 << 20, &records, &end).ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].new_json, R"({"pk":{"S":"a"}})");
  std::string json;
  bool found = true;
  ASSERT_TRUE(crashed->Get(table_->id, "b", ~0ull, &json, &found).ok());
  EXPECT_FALSE(found);
}

TEST_F(StreamsTest, TrimRemovesOldRecordsAndOldDisabledStreams) {
  SetStream("NEW_IMAGE", "L1");
  Put("a", R"({"pk":{"S":"a"}})");
  SetStream("", "");
  SetStream("NEW_IMAGE", "L2");
  const uint64_t cut = storage_->Now() + 1;
  Put("b", R"({"pk":{"S":"b"}})");
  ASSERT_TRUE(storage_->TrimStreams(cut).ok());
  StreamDescriptor d;
  EXPECT_TRUE(storage_->FindStream("t", "L1", &d).IsNotFound());
  auto records = Records(Stream("L2"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].new_json, R"({"pk":{"S":"b"}})");
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(TtlExpiryTest, OnlyATopLevelNumberOfPastSecondsWithinFiveYearsExpires) {
  const int64_t now = 1800000000;
  EXPECT_TRUE(ItemExpired(R"({"pk":{"S":"a"},"e":{"N":"1799999999"}})", "e", now));
  EXPECT_TRUE(ItemExpired(R"({"e":{"N":"1799999999.5"}})", "e", now));
  EXPECT_TRUE(ItemExpired(R"({"e":{"N":"1.7E9"}})", "e", now));
  EXPECT_FALSE(ItemExpired(R"({"e":{"N":"1800000000"}})", "e", now));  // not before now
  EXPECT_FALSE(ItemExpired(R"({"e":{"N":"1800000001"}})", "e", now));
  EXPECT_FALSE(ItemExpired(R"({"e":{"N":"1600000000"}})", "e", now));     // > 5 years ago
  EXPECT_FALSE(ItemExpired(R"({"e":{"N":"1799999999000"}})", "e", now));  // milliseconds
  EXPECT_FALSE(ItemExpired(R"({"e":{"S":"1799999999"}})", "e", now));
  EXPECT_FALSE(ItemExpired(R"({"m":{"M":{"e":{"N":"1799999999"}}}})", "e", now));
  EXPECT_FALSE(ItemExpired(R"({"pk":{"S":"a"}})", "e", now));
  EXPECT_TRUE(ItemExpired(R"({"a\"b":{"N":"1799999999"}})", "a\"b", now));
}

TEST_F(StreamsTest, SweeperDeletesExpiredItemsAsTimeToLiveWrites) {
  TableMeta meta = *storage_->FindTable("t");
  meta.ttl_attribute = "exp";
  meta.stream_view_type = "NEW_AND_OLD_IMAGES";
  meta.stream_label = "L1";
  ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  const std::string past = std::to_string(NowSeconds() - 10);
  const std::string future = std::to_string(NowSeconds() + 3600);
  for (int i = 0; i < 60; ++i) {
    Put("x" + std::to_string(i), R"({"exp":{"N":")" + past + R"("},"pk":{"S":"x"}})");
  }
  Put("keep", R"({"exp":{"N":")" + future + R"("},"pk":{"S":"keep"}})");
  ExpirySweeperOptions options;
  options.ttl_interval = std::chrono::hours(1);  // only the explicit sweep below runs
  ExpirySweeper sweeper(storage_.get(), options);
  EXPECT_EQ(sweeper.SweepOnce(), 60u);
  EXPECT_EQ(sweeper.SweepOnce(), 0u);
  EXPECT_EQ(storage_->Stats(table_->id).item_count, 1);
  auto records = Records(Stream("L1"));
  ASSERT_EQ(records.size(), 61u + 60u);
  EXPECT_EQ(records.back().event, StreamEvent::kRemove);
  EXPECT_EQ(records.back().origin, WriteOrigin::kTimeToLive);
}

}  // namespace
}  // namespace tideline::storage
