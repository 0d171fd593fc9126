#pragma once
// JobQueue: the worker threads of a background service that runs long jobs one per worker
// (exports, imports). The service persists and keeps its job records; the queue holds only their
// ids, hands each to the service's `run` on a worker thread, and knows when all are done.
//
// Locking: the queue's mutex is a leaf. It is held only around the queue itself, never while
// `run` runs, so a service may Push while holding its own mutex, and `run` may take it.

#include <atomic>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"

namespace tideline::jobs {

class JobQueue {
 public:
  using Run = std::function<void(const std::string& id)>;
  explicit JobQueue(Run run);
  ~JobQueue();  // Stop()
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Starts `threads` workers (at least one). Ids pushed before run once they start.
  void Start(int threads);
  void Push(std::string id);
  // Sets stopping(), wakes the workers and joins them; a job running sees stopping() and may
  // end early. Ids still queued are not run. Idempotent.
  void Stop();
  // Blocks until no job is queued or running (tests, benchmarks).
  void WaitIdle();
  // True from Stop() on: long jobs poll it.
  const std::atomic<bool>& stopping() const { return stopping_; }

 private:
  void WorkerLoop();

  const Run run_;
  std::atomic<bool> stopping_{false};
  common::Mutex mu_;
  common::CondVar cv_;       // queue_ or stopping_ changed
  common::CondVar idle_cv_;  // running_ dropped
  std::deque<std::string> queue_ GUARDED_BY(mu_);
  int running_ GUARDED_BY(mu_) = 0;
  // Started by Start and joined by Stop, both on the owner's thread.
  std::vector<std::thread> workers_;
};

}  // namespace tideline::jobs
