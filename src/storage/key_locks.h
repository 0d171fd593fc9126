#pragma once
// Per-item write locks: the isolation of read-modify-write (docs/storage.md, "Concurrency").
//
// A writer names the items it will touch before it reads any of them and holds their locks
// while it reads, decides and commits; two writers of one item therefore never interleave, and
// writers of different items never wait for each other. Only the commit itself (timestamp and
// WAL append) is serialised globally, under Storage's commit lock.
//
// Keys are locked in one global order (byte order of the encoded key), each at most once, so
// a writer waits only for keys greater than every key it holds: no cycle of waiters, no
// deadlock. A writer that gives up (a conflict) waits for nothing and releases what it holds.
//
// What a writer does when a key is held depends on both parties, as in DynamoDB ("Transaction
// conflict handling", Amazon DynamoDB developer guide):
//   holder \ wanted by   item write            batch write    transaction
//   item/batch write     waits                 waits          waits
//   transaction          conflict (fails)      waits          conflict (fails)
// DynamoDB rejects a PutItem/UpdateItem/DeleteItem on an item of an ongoing TransactWriteItems
// (TransactionConflictException) and cancels a transaction that meets another one
// (TransactionConflict); writes outside transactions are serialised. BatchWriteItem models no
// TransactionConflictException: its write waits (a transaction holds its keys briefly).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"

namespace tideline::storage {

// How a writer takes its item locks, and how others treat them while it holds them.
enum class LockMode {
  kItemWrite,    // one item (PutItem, UpdateItem, DeleteItem): fails on a transaction's item
  kBatchWrite,   // several items outside a transaction (BatchWriteItem): waits for everyone
  kTransaction,  // TransactWriteItems: fails on another transaction's item
};

class KeyLockTable;

// The locks a writer holds; released when destroyed.
class HeldKeys {
 public:
  HeldKeys() = default;
  ~HeldKeys() { Release(); }
  HeldKeys(HeldKeys&& other) noexcept;
  HeldKeys& operator=(HeldKeys&& other) noexcept;
  HeldKeys(const HeldKeys&) = delete;
  HeldKeys& operator=(const HeldKeys&) = delete;
  void Release();
  // The keys held, in lock order (sorted, distinct).
  const std::vector<std::string>& keys() const { return keys_; }
  // Whether `key` is held (binary search).
  bool Holds(std::string_view key) const;

 private:
  friend class KeyLockTable;
  KeyLockTable* table_ = nullptr;
  std::vector<std::string> keys_;
};

class KeyLockTable {
 public:
  explicit KeyLockTable(size_t stripes = 64);
  KeyLockTable(const KeyLockTable&) = delete;
  KeyLockTable& operator=(const KeyLockTable&) = delete;

  // Locks `keys` (any order, duplicates allowed) for a writer of `mode`, waiting where the
  // table above says so. Status::Busy when a key is held by a transaction and `mode` conflicts
  // with it: then nothing is held, and *conflicts (optional) receives the indices into `keys`
  // of every key a transaction held when the attempt gave up, in increasing order.
  Status Lock(const std::vector<std::string>& keys, LockMode mode, HeldKeys* held,
              std::vector<size_t>* conflicts = nullptr);

  // Number of keys held now (for tests).
  size_t HeldCount() const;

 private:
  friend class HeldKeys;
  struct Stripe {
    mutable common::Mutex mu;
    common::CondVar released;                                   // a key of the stripe released
    std::unordered_map<std::string, bool> held GUARDED_BY(mu);  // key -> held by a transaction
    int waiters GUARDED_BY(mu) = 0;                             // writers waiting in `released`
  };
  Stripe& StripeOf(std::string_view key);
  // Takes one key; false (holding nothing new) on a conflict.
  bool Acquire(const std::string& key, LockMode mode);
  void ReleaseOne(const std::string& key);
  bool HeldByTransaction(const std::string& key);

  std::vector<std::unique_ptr<Stripe>> stripes_;
};

}  // namespace tideline::storage
