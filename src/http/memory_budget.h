#pragma once
// A server-wide budget of bytes, shared by every connection without a lock: the request bodies
// (and large responses) held in memory at one time. A connection takes its share before it
// buffers a large body and gives it back once the body is freed, so that many slow clients
// cannot make the process grow past the budget; a request that does not fit is refused with
// DynamoDB's ThrottlingException, which every SDK retries with back-off.

#include <atomic>
#include <cstddef>

namespace tideline::http {

class MemoryBudget {
 public:
  explicit MemoryBudget(size_t limit) : limit_(limit) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Takes `n` bytes if they fit under the limit.
  bool TryAcquire(size_t n) {
    size_t used = used_.load(std::memory_order_relaxed);
    do {
      if (n > limit_ || used > limit_ - n) return false;
    } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed));
    return true;
  }
  // Takes `n` bytes even past the limit: for memory already spent (a response that has been
  // built), so that it still keeps new bodies out until it is sent.
  void ForceAcquire(size_t n) { used_.fetch_add(n, std::memory_order_relaxed); }
  void Release(size_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }

  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t limit() const { return limit_; }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

}  // namespace tideline::http
