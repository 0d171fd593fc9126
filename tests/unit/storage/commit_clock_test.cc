#include "storage/commit_clock.h"

#include <gtest/gtest.h>

namespace tideline::storage {
namespace {

constexpr uint64_t kHour = 3600ull * 1000 * 1000;
constexpr uint64_t kT0 = 1'700'000'000ull * 1000 * 1000;

TEST(CommitClockTest, CommitThatPassesTheLeaseStoresANewOne) {
  CommitClock clock;
  clock.Start(0);
  uint64_t lease = 0;
  const uint64_t ts = clock.Next(kT0, &lease);
  EXPECT_EQ(ts, kT0);
  EXPECT_EQ(lease, kT0 + CommitClock::kLeaseMicros);
  clock.LeaseStored(lease);
  // Within the lease: no extra key in the commit.
  EXPECT_EQ(clock.Next(kT0 + 1000, &lease), kT0 + 1000);
  EXPECT_EQ(lease, 0u);
}

TEST(CommitClockTest, ALeaseThatWasNotStoredIsAskedForAgain) {
  CommitClock clock;
  clock.Start(0);
  uint64_t lease = 0;
  clock.Next(kT0, &lease);
  ASSERT_NE(lease, 0u);  // the commit failed: LeaseStored is not called
  clock.Next(kT0 + 5, &lease);
  EXPECT_NE(lease, 0u);
}

// The case of the issue: a write, a crash, a restart with the wall clock an hour behind.
TEST(CommitClockTest, RisesAcrossACrashWithTheWallClockSteppedBack) {
  CommitClock before;
  before.Start(0);
  uint64_t lease = 0;
  const uint64_t first = before.Next(kT0, &lease);
  before.LeaseStored(lease);
  const uint64_t shown = before.Now(kT0 + 2'000'000);  // e.g. LatestRestorableDateTime
  // kill -9: only the stored lease survives.
  CommitClock after;
  after.Start(lease);
  uint64_t next_lease = 0;
  const uint64_t second = after.Next(kT0 - kHour, &next_lease);
  ASSERT_NE(next_lease, 0u);  // it passes the stored lease: it stores a new one
  after.LeaseStored(next_lease);
  EXPECT_GT(second, first);
  EXPECT_GT(second, shown);
  EXPECT_GE(after.Now(kT0 - kHour), second);
}

TEST(CommitClockTest, NowNeverPassesTheLease) {
  CommitClock clock;
  clock.Start(kT0);
  EXPECT_EQ(clock.Now(kT0 + kHour), kT0);  // nothing beyond the stored lease yet
  const uint64_t due = clock.LeaseFor(kT0 + kHour);
  EXPECT_EQ(due, kT0 + kHour + CommitClock::kLeaseMicros);
  clock.LeaseStored(due);
  EXPECT_EQ(clock.Now(kT0 + kHour), kT0 + kHour);
  // Later commits get greater timestamps than any Now() answered.
  uint64_t lease = 0;
  EXPECT_GT(clock.Next(kT0, &lease), kT0 + kHour);
}

TEST(CommitClockTest, NowAsksForALeaseOnlyPastTheStoredOne) {
  CommitClock clock;
  clock.Start(0);
  const uint64_t due = clock.LeaseFor(kT0);
  EXPECT_EQ(due, kT0 + CommitClock::kLeaseMicros);
  clock.LeaseStored(due);
  EXPECT_EQ(clock.LeaseFor(kT0 + CommitClock::kLeaseMicros), 0u);
  EXPECT_NE(clock.LeaseFor(kT0 + CommitClock::kLeaseMicros + 1), 0u);
  // A wall clock far behind the lease (stepped back) asks for nothing.
  EXPECT_EQ(clock.LeaseFor(kT0 - kHour), 0u);
}

// After a crash the clock starts at most one lease ahead of a wall clock that kept time.
TEST(CommitClockTest, ACrashMovesTheClockAtMostOneLeaseAhead) {
  CommitClock before;
  before.Start(0);
  uint64_t lease = 0;
  before.Next(kT0, &lease);
  before.LeaseStored(lease);
  CommitClock after;
  after.Start(lease);
  uint64_t unused = 0;
  EXPECT_LE(after.Next(kT0 + 1000, &unused), kT0 + 1000 + CommitClock::kLeaseMicros);
}

}  // namespace
}  // namespace tideline::storage
