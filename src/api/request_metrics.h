#pragma once
// Requests served, per operation, for the console's Server page (DescribeServer,
// docs/console.md): how many, how many failed, and how long the operation ran (from the parsed
// request to the response body, before the wait for durability and the write to the socket).
//
// Recording costs no lock and no shared cache line: each thread counts into a block of its own
// (relaxed atomics with that thread as their only writer, so an update is a plain load and
// store), registered once per thread; a snapshot sums every block. Blocks live as long as the
// process, so what an exited thread counted stays counted.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tideline::api {

// Latency buckets: bucket i counts operations that ran [2^(i-1), 2^i) microseconds (bucket 0:
// under 1 us), the last one everything longer.
inline constexpr int kLatencyBuckets = 26;

struct OperationMetrics {
  std::string_view operation;  // the X-Amz-Target name; "(unknown)" for unknown targets
  uint64_t count = 0;
  uint64_t client_errors = 0;  // 4xx answers
  uint64_t server_errors = 0;  // 5xx answers
  uint64_t total_micros = 0;
  std::array<uint64_t, kLatencyBuckets> latency_buckets{};
};

// Counts one request of `operation` (a name as in X-Amz-Target after the dot; any name no
// operation has counts as "(unknown)"), answered with `status`, that ran `micros`.
void RecordRequest(std::string_view operation, int status, uint64_t micros);

// Every operation that has served a request, summed over threads, in name order.
std::vector<OperationMetrics> SnapshotRequestMetrics();

// The wall-clock time (epoch milliseconds) the process started counting: its start.
int64_t MetricsStartMillis();

}  // namespace tideline::api
