// KeyLockTable: striped per-key locks taken in one global order (see key_locks.h).

#include "storage/key_locks.h"

#include <algorithm>
#include <functional>
#include <numeric>

namespace tideline::storage {

HeldKeys::HeldKeys(HeldKeys&& other) noexcept
    : table_(other.table_), keys_(std::move(other.keys_)) {
  other.table_ = nullptr;
  other.keys_.clear();
}

HeldKeys& HeldKeys::operator=(HeldKeys&& other) noexcept {
  if (this != &other) {
    Release();
    table_ = other.table_;
    keys_ = std::move(other.keys_);
    other.table_ = nullptr;
    other.keys_.clear();
  }
  return *this;
}

void HeldKeys::Release() {
  if (table_) {
    for (const auto& key : keys_) table_->ReleaseOne(key);
  }
  table_ = nullptr;
  keys_.clear();
}

bool HeldKeys::Holds(std::string_view key) const {
  return std::binary_search(keys_.begin(), keys_.end(), key,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

KeyLockTable::KeyLockTable(size_t stripes) {
  stripes_.reserve(std::max<size_t>(stripes, 1));
  for (size_t i = 0; i < std::max<size_t>(stripes, 1); ++i) {
    stripes_.push_back(std::make_unique<Stripe>());
  }
}

KeyLockTable::Stripe& KeyLockTable::StripeOf(std::string_view key) {
  return *stripes_[std::hash<std::string_view>{}(key) % stripes_.size()];
}

bool KeyLockTable::Acquire(const std::string& key, LockMode mode) {
  Stripe& stripe = StripeOf(key);
  common::MutexLock lock(&stripe.mu);
  while (true) {
    auto it = stripe.held.find(key);
    if (it == stripe.held.end()) {
      stripe.held.emplace(key, mode == LockMode::kTransaction);
      return true;
    }
    const bool by_transaction = it->second;
    if (by_transaction && mode != LockMode::kBatchWrite) return false;
    ++stripe.waiters;
    stripe.released.Wait(&stripe.mu);
    --stripe.waiters;
  }
}

void KeyLockTable::ReleaseOne(const std::string& key) {
  Stripe& stripe = StripeOf(key);
  common::MutexLock lock(&stripe.mu);
  stripe.held.erase(key);
  // One condition variable serves the stripe's keys: wake them all, each re-checks its own.
  if (stripe.waiters > 0) stripe.released.SignalAll();
}

bool KeyLockTable::HeldByTransaction(const std::string& key) {
  Stripe& stripe = StripeOf(key);
  common::MutexLock lock(&stripe.mu);
  auto it = stripe.held.find(key);
  return it != stripe.held.end() && it->second;
}

Status KeyLockTable::Lock(const std::vector<std::string>& keys, LockMode mode, HeldKeys* held,
                          std::vector<size_t>* conflicts) {
  held->Release();
  if (conflicts) conflicts->clear();
  // The global order: byte order of the keys, each once.
  std::vector<size_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  std::vector<std::string> sorted;
  sorted.reserve(keys.size());
  for (size_t i : order) {
    if (sorted.empty() || sorted.back() != keys[i]) sorted.push_back(keys[i]);
  }

  size_t taken = 0;
  for (; taken < sorted.size(); ++taken) {
    if (!Acquire(sorted[taken], mode)) break;
  }
  if (taken == sorted.size()) {
    held->table_ = this;
    held->keys_ = std::move(sorted);
    return Status::OK();
  }
  // A conflict: give back what was taken (a writer that gives up never waits, so this cannot
  // deadlock), and name the key that conflicted and every later one a transaction holds now
  // (the keys before it were free).
  for (size_t i = 0; i < taken; ++i) ReleaseOne(sorted[i]);
  if (conflicts) {
    const std::string& failed = sorted[taken];
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == failed || (keys[i] > failed && HeldByTransaction(keys[i]))) {
        conflicts->push_back(i);
      }
    }
  }
  return Status::Busy("the item is held by an ongoing transaction");
}

size_t KeyLockTable::HeldCount() const {
  size_t n = 0;
  for (const auto& stripe : stripes_) {
    common::MutexLock lock(&stripe->mu);
    n += stripe->held.size();
  }
  return n;
}

}  // namespace tideline::storage
