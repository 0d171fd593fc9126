#include "jobs/job_queue.h"

#include <algorithm>

namespace tideline::jobs {

JobQueue::JobQueue(Run run) : run_(std::move(run)) {}

JobQueue::~JobQueue() { Stop(); }

void JobQueue::Start(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

void JobQueue::Push(std::string id) {
  {
    common::MutexLock lock(&mu_);
    queue_.push_back(std::move(id));
  }
  cv_.Signal();
}

void JobQueue::Stop() {
  {
    // Under the lock: a worker between its check of stopping_ and its wait cannot miss it.
    common::MutexLock lock(&mu_);
    stopping_ = true;
  }
  cv_.SignalAll();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void JobQueue::WaitIdle() {
  common::MutexLock lock(&mu_);
  while (!queue_.empty() || running_ != 0) idle_cv_.Wait(&mu_);
}

void JobQueue::WorkerLoop() {
  for (;;) {
    std::string id;
    {
      common::MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(&mu_);
      if (stopping_) return;
      id = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    run_(id);
    {
      common::MutexLock lock(&mu_);
      --running_;
    }
    idle_cv_.SignalAll();
  }
}

}  // namespace tideline::jobs
