#include "jobs/job_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace tideline::jobs {
namespace {

TEST(JobQueueTest, RunsEveryJobOnceAndWaitIdleSeesThemDone) {
  std::mutex mu;
  std::multiset<std::string> ran;
  JobQueue queue([&](const std::string& id) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard lock(mu);
    ran.insert(id);
  });
  queue.Push("before-start");  // queued before the workers exist: run once they do
  queue.Start(2);
  for (int i = 0; i < 20; ++i) queue.Push("job" + std::to_string(i));
  queue.WaitIdle();
  std::lock_guard lock(mu);
  EXPECT_EQ(ran.size(), 21u);
  EXPECT_EQ(ran.count("before-start"), 1u);
  EXPECT_EQ(ran.count("job19"), 1u);
}

TEST(JobQueueTest, StopTellsTheRunningJobAndDropsTheQueuedOnes) {
  std::atomic<int> started{0};
  std::atomic<bool> saw_stop{false};
  JobQueue* self = nullptr;
  JobQueue queue([&](const std::string&) {
    ++started;
    while (!self->stopping()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    saw_stop = true;
  });
  self = &queue;
  queue.Start(1);
  queue.Push("a");
  queue.Push("b");
  while (started == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  queue.Stop();
  EXPECT_TRUE(saw_stop);
  EXPECT_EQ(started, 1);  // "b" never ran
  queue.Stop();           // idempotent
}

}  // namespace
}  // namespace tideline::jobs
