#pragma once
// WriteGate: whether storage takes writes now, and why not. Every write and every WAL flush asks
// it first (one atomic load); a failed write, a failed WAL flush, a RocksDB background error or a
// nearly full disk closes it, and Storage's recovery thread (recovery.cc) opens it again.
//
// Why a gate in front of RocksDB: the DB runs with manual_wal_flush, and once a write to the WAL
// file fails (ENOSPC, EIO), RocksDB's WAL writer is left in an error state in which the next
// append to it fails an assertion (`sync_without_flush_called_`; Debian's librocksdb keeps
// assertions) and aborts the process. FlushWAL releases the WAL lock before it records the
// background error that stops writes, so a write already inside DB::Write could reach that
// writer. Storage therefore never lets a write and a WAL flush overlap (Impl::wal_io_mu) and
// closes this gate before it releases that lock: no write reaches RocksDB between a failure and
// the recovery that replaces the failed WAL writer.
//
// While the gate is closed, writes get Status::Unavailable (the client sees a retryable 503
// ServiceUnavailable) with a message free of paths; reads go on.

#include <rocksdb/listener.h>
#include <rocksdb/status.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "common/status.h"

namespace tideline::storage {

class WriteGate {
 public:
  // Why writes are refused; several may hold at once.
  enum Flag : uint32_t {
    kStorageError = 1u << 0,  // RocksDB stopped writes after an error; recovery calls Resume()
    kNoSpace = 1u << 1,       // ... and the error was ENOSPC: recovery may use the reserve
    kWalSuspect = 1u << 2,    // ... and the failed file may be the current WAL
    kDiskLow = 1u << 3,       // free space under the floor, or the reserve is spent
    kBroken = 1u << 4,        // not recoverable in this process (corruption): restart needed
  };

  // OK when writes may proceed; otherwise the Status to give the writer.
  Status Check() const {
    const uint32_t f = flags_.load(std::memory_order_acquire);
    return f == 0 ? Status::OK() : Refusal(f);
  }
  uint32_t flags() const { return flags_.load(std::memory_order_acquire); }
  void Set(uint32_t flags) { flags_.fetch_or(flags, std::memory_order_acq_rel); }
  void Clear(uint32_t flags) { flags_.fetch_and(~flags, std::memory_order_acq_rel); }

  // A DB::Write or FlushWAL failed with `s`: closes the gate for an I/O error or corruption, and
  // returns the Status for the caller (never RocksDB's text, which names files).
  Status WriteFailed(const rocksdb::Status& s);

  // RocksDB is about to record the background error *bg_error. Closes the gate, and lowers a
  // "fatal" I/O error to a hard one: RocksDB 7.8 rates any I/O error other than ENOSPC during a
  // flush, a compaction, a WAL write or a memtable switch (EIO, EMFILE) as fatal, which
  // DB::Resume() refuses, and only a restart would bring writes back. Resume() recovers from
  // them as from ENOSPC: it flushes the memtables, which hold every write, and starts a new WAL
  // and, after a MANIFEST error, a new MANIFEST. Corruption stays unrecoverable.
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* bg_error);

  // A listener for DBOptions::listeners that reports to this gate and turns off RocksDB's own
  // recovery from ENOSPC (its SstFileManager polls only every 5 s, and a manual Resume() is
  // refused while it is pending); the recovery thread drives Resume() instead.
  std::shared_ptr<rocksdb::EventListener> NewListener();

  // The messages clients see. AWS has no such case (its storage does not fill up), so the texts
  // are Tideline's own; the error is DynamoDB's 503 ServiceUnavailable, which SDKs retry.
  static constexpr const char* kDiskFullMessage =
      "The server's disk is full: writes are refused until space is freed. Retry later.";
  static constexpr const char* kStorageErrorMessage =
      "The server's storage is recovering from a write error. Retry later.";

 private:
  static Status Refusal(uint32_t flags);
  std::atomic<uint32_t> flags_{0};
};

}  // namespace tideline::storage
