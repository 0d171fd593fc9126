#include "api/request_metrics.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <memory>
#include <unordered_map>

#include "api/console_operations.h"
#include "api/operations.h"
#include "common/clock.h"
#include "common/mutex.h"

namespace tideline::api {

namespace {

// Every operation name, in one fixed order: a request's slot is its index.
const std::vector<std::string_view>& OperationNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
#define TIDELINE_NAME(name) out.push_back(#name);
    TIDELINE_OPERATIONS(TIDELINE_NAME)
    TIDELINE_STREAMS_OPERATIONS(TIDELINE_NAME)
    TIDELINE_CONSOLE_OPERATIONS(TIDELINE_NAME)
#undef TIDELINE_NAME
    out.push_back("(unknown)");
    return out;
  }();
  return names;
}

size_t SlotOf(std::string_view operation) {
  static const std::unordered_map<std::string_view, size_t> slots = [] {
    std::unordered_map<std::string_view, size_t> out;
    const auto& names = OperationNames();
    for (size_t i = 0; i < names.size(); ++i) out.emplace(names[i], i);
    return out;
  }();
  auto it = slots.find(operation);
  return it == slots.end() ? OperationNames().size() - 1 : it->second;
}

struct Slot {
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> client_errors{0};
  std::atomic<uint64_t> server_errors{0};
  std::atomic<uint64_t> total_micros{0};
  std::array<std::atomic<uint64_t>, kLatencyBuckets> buckets{};
};

// One thread's counters. Only that thread writes them, so an increment needs no atomic
// read-modify-write: a relaxed load and store, which readers may see a moment late.
struct ThreadBlock {
  explicit ThreadBlock(size_t slots) : slots(slots) {}
  std::vector<Slot> slots;
};

void Bump(std::atomic<uint64_t>& counter, uint64_t by) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct Registry {
  common::Mutex mu;
  std::vector<std::unique_ptr<ThreadBlock>> blocks GUARDED_BY(mu);
};

Registry& TheRegistry() {
  static Registry* registry = new Registry;  // never destroyed: threads may outlive main's end
  return *registry;
}

ThreadBlock& ThisThreadBlock() {
  thread_local ThreadBlock* block = [] {
    auto owned = std::make_unique<ThreadBlock>(OperationNames().size());
    ThreadBlock* raw = owned.get();
    Registry& registry = TheRegistry();
    common::MutexLock lock(&registry.mu);
    registry.blocks.push_back(std::move(owned));
    return raw;
  }();
  return *block;
}

const int64_t kStartMillis = NowMillis();

}  // namespace

void RecordRequest(std::string_view operation, int status, uint64_t micros) {
  Slot& slot = ThisThreadBlock().slots[SlotOf(operation)];
  Bump(slot.count, 1);
  if (status >= 500) {
    Bump(slot.server_errors, 1);
  } else if (status >= 400) {
    Bump(slot.client_errors, 1);
  }
  Bump(slot.total_micros, micros);
  const size_t bucket = std::min<size_t>(std::bit_width(micros), kLatencyBuckets - 1);
  Bump(slot.buckets[bucket], 1);
}

std::vector<OperationMetrics> SnapshotRequestMetrics() {
  const auto& names = OperationNames();
  std::vector<OperationMetrics> sums(names.size());
  {
    Registry& registry = TheRegistry();
    common::MutexLock lock(&registry.mu);
    for (const auto& block : registry.blocks) {
      for (size_t i = 0; i < names.size(); ++i) {
        const Slot& slot = block->slots[i];
        OperationMetrics& sum = sums[i];
        sum.count += slot.count.load(std::memory_order_relaxed);
        sum.client_errors += slot.client_errors.load(std::memory_order_relaxed);
        sum.server_errors += slot.server_errors.load(std::memory_order_relaxed);
        sum.total_micros += slot.total_micros.load(std::memory_order_relaxed);
        for (int b = 0; b < kLatencyBuckets; ++b) {
          sum.latency_buckets[b] += slot.buckets[b].load(std::memory_order_relaxed);
        }
      }
    }
  }
  std::vector<OperationMetrics> out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (sums[i].count == 0) continue;
    sums[i].operation = names[i];
    out.push_back(sums[i]);
  }
  std::sort(out.begin(), out.end(), [](const OperationMetrics& a, const OperationMetrics& b) {
    return a.operation < b.operation;
  });
  return out;
}

int64_t MetricsStartMillis() { return kStartMillis; }

}  // namespace tideline::api
