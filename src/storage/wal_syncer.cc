#include "storage/wal_syncer.h"

#include <pthread.h>

#include <utility>

namespace tideline::storage {

WalSyncer::WalSyncer(std::function<Status()> sync) : sync_(std::move(sync)) {
  thread_ = std::thread([this] { Loop(); });
  pthread_setname_np(thread_.native_handle(), "wal-sync");
}

WalSyncer::~WalSyncer() {
  {
    common::MutexLock lock(&mu_);
    stopping_ = true;
  }
  cv_.Signal();
  thread_.join();
}

void WalSyncer::Enqueue(Done done) {
  {
    common::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(std::move(done));
      // Only an idle thread waits on cv_; a busy one takes the queue when its sync is done.
      if (queue_.size() == 1) cv_.Signal();
      return;
    }
  }
  done(sync_());  // storage is closing: nobody is left to wait for
}

void WalSyncer::Loop() {
  std::vector<Done> group;
  for (;;) {
    {
      common::MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(&mu_);
      if (queue_.empty()) return;  // stopping, and every waiter answered
      group.swap(queue_);
    }
    // Every waiter in the group took its point before it queued, so before this sync starts:
    // the sync covers all of them, whatever the counts say.
    const Status status = sync_();
    for (Done& done : group) done(status);
    group.clear();
  }
}

}  // namespace tideline::storage
