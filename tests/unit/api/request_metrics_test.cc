// api/request_metrics.h: requests counted on several threads at once add up exactly in a
// snapshot (each thread counts into its own block), errors by status class, latencies in their
// power-of-two buckets, and names no operation has under "(unknown)". The counters are
// process-wide, so each check compares a snapshot before and after.

#include "api/request_metrics.h"

#include <gtest/gtest.h>

#include <string_view>
#include <thread>
#include <vector>

namespace tideline::api {
namespace {

OperationMetrics Find(std::string_view operation) {
  for (const OperationMetrics& m : SnapshotRequestMetrics()) {
    if (m.operation == operation) return m;
  }
  OperationMetrics none;
  none.operation = operation;
  return none;
}

TEST(RequestMetricsTest, ThreadsAddUpAndSnapshotsReadWhileTheyCount) {
  const OperationMetrics before = Find("Query");
  constexpr int kThreads = 4;
  constexpr int kEach = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < kEach; ++i) RecordRequest("Query", i % 10 == 0 ? 400 : 200, 3);
    });
  }
  // A reader meanwhile sees counts that only grow.
  uint64_t last = before.count;
  for (int i = 0; i < 100; ++i) {
    const uint64_t now = Find("Query").count;
    EXPECT_GE(now, last);
    last = now;
  }
  for (auto& t : threads) t.join();
  const OperationMetrics after = Find("Query");
  EXPECT_EQ(after.count - before.count, uint64_t{kThreads} * kEach);
  EXPECT_EQ(after.client_errors - before.client_errors, uint64_t{kThreads} * kEach / 10);
  EXPECT_EQ(after.server_errors, before.server_errors);
  EXPECT_EQ(after.total_micros - before.total_micros, uint64_t{kThreads} * kEach * 3);
  // 3 us is in [2, 4): bucket 2.
  EXPECT_EQ(after.latency_buckets[2] - before.latency_buckets[2], uint64_t{kThreads} * kEach);
}

TEST(RequestMetricsTest, BucketsErrorsAndUnknownNames) {
  const OperationMetrics scan = Find("Scan");
  RecordRequest("Scan", 500, 0);
  RecordRequest("Scan", 200, 1);
  RecordRequest("Scan", 200, 1ull << 40);  // beyond the last bucket's start: the last bucket
  const OperationMetrics after = Find("Scan");
  EXPECT_EQ(after.count - scan.count, 3u);
  EXPECT_EQ(after.server_errors - scan.server_errors, 1u);
  EXPECT_EQ(after.latency_buckets[0] - scan.latency_buckets[0], 1u);
  EXPECT_EQ(after.latency_buckets[1] - scan.latency_buckets[1], 1u);
  EXPECT_EQ(after.latency_buckets[kLatencyBuckets - 1] - scan.latency_buckets[kLatencyBuckets - 1],
            1u);

  const OperationMetrics unknown = Find("(unknown)");
  RecordRequest("NoSuchOperation", 400, 5);
  RecordRequest("-", 400, 5);
  EXPECT_EQ(Find("(unknown)").count - unknown.count, 2u);
  EXPECT_EQ(Find("NoSuchOperation").count, 0u);
  EXPECT_GT(MetricsStartMillis(), 0);
}

}  // namespace
}  // namespace tideline::api
