// The shards of a stream (api/stream_shards.h): rollover boundaries, closing, ids that sort in
// creation order and resolve back, trimming past the retention, and a disabled stream's end.

#include "api/stream_shards.h"

#include <gtest/gtest.h>

#include <string>

#include "api/stream_ids.h"

namespace tideline::api {
namespace {

constexpr uint64_t kSecond = 1'000'000;  // commit timestamps are microseconds
constexpr uint64_t kStart = 1'800'000'000 * kSecond;

storage::StreamDescriptor Stream(uint64_t rollover_us) {
  storage::StreamDescriptor d;
  d.table_name = "orders";
  d.label = "2027-01-15T08:00:00.000";
  d.table_id = 7;
  d.view_type = "NEW_IMAGE";
  d.start_ts = kStart - 5;  // the commit clock may trail the wall clock a little
  d.created_ms = static_cast<int64_t>(kStart / 1000);
  d.shard_rollover_us = rollover_us;
  return d;
}

TEST(StreamShardsTest, OneShardWithoutRollover) {
  const auto stream = Stream(0);
  const StreamShards shards(stream, kStart + 100 * 3600 * kSecond, 0);
  EXPECT_EQ(shards.first(), 0u);
  EXPECT_EQ(shards.last(), 0u);
  const ShardSpan span = shards.Span(0);
  EXPECT_FALSE(span.closed);
  EXPECT_EQ(span.after_ts, stream.start_ts);
  EXPECT_EQ(shards.Find(shards.Id(0)), 0u);
}

TEST(StreamShardsTest, RollsOverAtEachBoundary) {
  const auto stream = Stream(10 * kSecond);
  // Just before the first boundary: one open shard.
  EXPECT_EQ(StreamShards(stream, kStart + 10 * kSecond - 1, 0).last(), 0u);
  // At it: no later commit can fall in shard 0, which is closed; shard 1 is open.
  const StreamShards shards(stream, kStart + 25 * kSecond, 0);
  ASSERT_EQ(shards.last(), 2u);
  uint64_t previous_end = stream.start_ts;
  std::string previous_id;
  for (uint64_t k = 0; k <= shards.last(); ++k) {
    const ShardSpan span = shards.Span(k);
    EXPECT_EQ(span.after_ts, previous_end) << k;  // contiguous: no commit time falls between
    EXPECT_EQ(span.through_ts, kStart + (k + 1) * 10 * kSecond) << k;
    EXPECT_EQ(span.closed, k < 2) << k;
    previous_end = span.through_ts;
    const std::string id = shards.Id(k);
    EXPECT_EQ(id.size(), 37u);
    EXPECT_LT(previous_id, id) << "ids sort in creation order";
    previous_id = id;
    EXPECT_EQ(shards.Find(id), k);
    if (k > 0) {
      EXPECT_LT(EndingSequenceNumber(shards.Span(k - 1)), StartingSequenceNumber(span));
    }
  }
  EXPECT_EQ(shards.Find("shardId-00000000000000000000-00000000"), std::nullopt);
  EXPECT_EQ(shards.Find("qwerty"), std::nullopt);
  EXPECT_EQ(shards.Find("shardId-99999999999999999999-ffffffff"), std::nullopt);
  // A shard of the future is not found.
  const StreamShards later(stream, kStart + 45 * kSecond, 0);
  EXPECT_EQ(shards.Find(later.Id(4)), std::nullopt);
  EXPECT_EQ(later.Find(later.Id(4)), 4u);
}

TEST(StreamShardsTest, TrimsShardsPastTheRetention) {
  const auto stream = Stream(10 * kSecond);
  const uint64_t now = kStart + 100 * kSecond;
  // Shard k ends at kStart + (k + 1) * 10 s: a horizon of kStart + 35 s keeps shards 3.. (shard
  // 2 ends at 30 s, before it; shard 3 ends at 40 s, after it).
  const StreamShards shards(stream, now, kStart + 35 * kSecond);
  EXPECT_EQ(shards.first(), 3u);
  EXPECT_EQ(shards.last(), 10u);
  EXPECT_EQ(StreamShards(stream, now, kStart + 40 * kSecond).first(), 3u);
  EXPECT_EQ(StreamShards(stream, now, kStart + 40 * kSecond + 1).first(), 4u);
  // The open shard is never trimmed.
  EXPECT_EQ(StreamShards(stream, now, now + 1000 * kSecond).first(), 10u);
  // A trimmed shard's id still resolves (a reader paging past it goes on).
  EXPECT_EQ(shards.Find(shards.Id(1)), 1u);
}

TEST(StreamShardsTest, DisabledStreamEndsInItsLastShard) {
  auto stream = Stream(10 * kSecond);
  stream.end_ts = kStart + 23 * kSecond;
  const StreamShards shards(stream, kStart + 500 * kSecond, 0);
  ASSERT_EQ(shards.last(), 2u);
  for (uint64_t k = 0; k <= 2; ++k) EXPECT_TRUE(shards.Span(k).closed);
  EXPECT_EQ(shards.Span(2).through_ts, stream.end_ts);
  // Disabled exactly at a boundary: the shard that ends there is the last.
  stream.end_ts = kStart + 20 * kSecond;
  EXPECT_EQ(StreamShards(stream, kStart + 500 * kSecond, 0).last(), 1u);
  // Disabled before the first boundary, with no record: Starting <= Ending.
  stream.end_ts = stream.start_ts;
  const StreamShards empty(stream, kStart + 500 * kSecond, 0);
  ASSERT_EQ(empty.last(), 0u);
  EXPECT_LE(StartingSequenceNumber(empty.Span(0)), EndingSequenceNumber(empty.Span(0)));
}

}  // namespace
}  // namespace tideline::api
