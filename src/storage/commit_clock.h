#pragma once
// CommitClock: commit timestamps (microseconds since the Unix epoch) that rise across restarts,
// even when the process was killed and the wall clock then stepped back (an NTP correction at
// boot).
//
// Every timestamp the clock hands out (to a commit, or as Now()) is at most its *lease*, a
// high-water mark that is in the WAL before any timestamp beyond the previous one is used: a
// commit that passes the lease stores a new one (its ts + kLeaseMicros) in its own batch, and
// Storage::Now() stores one before it answers past the lease. Open starts the clock at the
// stored lease, so after a crash no timestamp is ever reused or lower than one already used.
// The lease is short so that a restart after a crash starts at most kLeaseMicros ahead of the
// wall clock (a client's wall-clock ExportTime between two writes keeps its meaning); the cost
// is one 8-byte key in at most one commit per kLeaseMicros.
//
// Not thread-safe: Storage calls it under its commit lock (last() may be read without it).

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace tideline::storage {

class CommitClock {
 public:
  static constexpr uint64_t kLeaseMicros = 50'000;

  // `stored`: the lease (or the last timestamp of a clean shutdown) found in the database. Open
  // then stores a first lease (LeaseFor) before it serves anything.
  void Start(uint64_t stored) {
    last_.store(stored, std::memory_order_relaxed);
    lease_ = stored;
  }

  // A timestamp greater than every earlier one. When it passes the lease, *lease_to_store is the
  // new lease, which the commit must write in its own batch and then confirm with LeaseStored();
  // otherwise it is 0.
  uint64_t Next(uint64_t wall_us, uint64_t* lease_to_store) {
    const uint64_t ts = std::max(wall_us, last_.load(std::memory_order_relaxed) + 1);
    last_.store(ts, std::memory_order_relaxed);
    *lease_to_store = ts > lease_ ? ts + kLeaseMicros : 0;
    return ts;
  }

  // The newest timestamp that is safe to read at: at least every committed timestamp (all are
  // within the lease), never past the lease. Later commits get greater timestamps.
  uint64_t Now(uint64_t wall_us) {
    const uint64_t last = last_.load(std::memory_order_relaxed);
    const uint64_t now = std::min(std::max(last, wall_us), lease_);
    last_.store(std::max(last, now), std::memory_order_relaxed);
    return now;
  }

  // The lease to store before Now(wall_us) so that it can answer the wall clock (0: none needed).
  uint64_t LeaseFor(uint64_t wall_us) const {
    const uint64_t now = std::max(wall_us, last_.load(std::memory_order_relaxed));
    return now > lease_ ? now + kLeaseMicros : 0;
  }

  // A lease is in the WAL (in the same batch as, or before, any commit that relies on it).
  void LeaseStored(uint64_t lease) { lease_ = std::max(lease_, lease); }

  uint64_t last() const { return last_.load(std::memory_order_relaxed); }
  uint64_t lease() const { return lease_; }

 private:
  std::atomic<uint64_t> last_{0};
  uint64_t lease_ = 0;
};

}  // namespace tideline::storage
