// Storage's recovery thread: watches the free space (refusing writes while it is short, and
// holding the reserve), and brings writes back after a write error without a restart.
//
// Recovery from a RocksDB error is DB::Resume(), which flushes the memtables to table files and
// starts a new WAL (the one a failed write left behind is then obsolete), then a flush that
// makes every write RocksDB holds durable (Resume() returns at once when RocksDB had not stopped
// writes). Every write that entered RocksDB is then on disk, including those whose WAL flush
// failed (their clients got an error: the outcome of such a write is unknown to them, as after
// any 5xx), so the WAL counters are all credited and reads need no flush.

#include <rocksdb/transaction_log.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "storage/storage_impl.h"

namespace tideline::storage {

namespace {

using Clock = std::chrono::steady_clock;

uint64_t CurrentWalNumber(rocksdb::DB* db) {
  std::unique_ptr<rocksdb::LogFile> wal;
  if (!db->GetCurrentWalFile(&wal).ok() || !wal) return 0;
  return wal->LogNumber();
}

}  // namespace

void Storage::Impl::RecoveryLoop() {
  Clock::time_point next_resume{};
  Clock::time_point next_log{};
  for (;;) {
    {
      common::MutexLock lock(&recovery_mu);
      // Quick while something is wrong, so that writes come back soon after the space does.
      if (!recovery_stopping) {
        recovery_cv.WaitFor(&recovery_mu, std::chrono::milliseconds(gate.flags() ? 100 : 250));
      }
      if (recovery_stopping) return;
    }
    WatchDisk();
    const uint32_t flags = gate.flags();
    if ((flags & WriteGate::kStorageError) && !(flags & WriteGate::kBroken) &&
        Clock::now() >= next_resume) {
      if (TryRecover()) {
        spdlog::info("storage recovered from the write error; writes are taken again{}",
                     (gate.flags() & WriteGate::kDiskLow) ? " once the disk has room" : "");
      } else {
        next_resume = Clock::now() + std::chrono::milliseconds(500);
        if (Clock::now() >= next_log) {
          spdlog::warn("storage still recovering from a write error; retrying");
          next_log = Clock::now() + std::chrono::seconds(10);
        }
      }
    }
  }
}

void Storage::Impl::WatchDisk() {
  if (!reserve || reserve->bytes() == 0) return;
  const uint32_t flags = gate.flags();
  uint64_t free = FreeBytes(options.data_dir);
  // A RocksDB ENOSPC: give it the reserve at once, so that it can flush and reads need not wait
  // for someone to free space.
  if ((flags & WriteGate::kNoSpace) && reserve->Release()) {
    spdlog::warn(
        "disk full: released the {} MiB reserve for recovery; writes are refused until "
        "space is freed",
        reserve->bytes() >> 20);
    gate.Set(WriteGate::kDiskLow);
    return;
  }
  if (!(flags & WriteGate::kDiskLow)) {
    if (free < disk_floor) {
      spdlog::warn("disk almost full ({} MiB free in {}): refusing writes until space is freed",
                   free >> 20, options.data_dir);
      gate.Set(WriteGate::kDiskLow);
    }
    return;
  }
  // Refusing writes for want of space: take them again once the reserve is back in place and
  // twice the floor is free beside it.
  if (!reserve->Present()) {
    if (free < reserve->bytes() + 2 * disk_floor || !reserve->Create()) return;
    free = FreeBytes(options.data_dir);
  }
  if (free >= 2 * disk_floor) {
    gate.Clear(WriteGate::kDiskLow);
    if (!(gate.flags() & WriteGate::kNoSpace)) {
      spdlog::info("disk has room again ({} MiB free); writes are taken again", free >> 20);
    }
  }
}

bool Storage::Impl::TryRecover() {
  const uint32_t flags = gate.flags();
  // An ENOSPC with no room yet: Resume() would only fail again.
  if ((flags & WriteGate::kNoSpace) && FreeBytes(options.data_dir) < (1u << 20)) return false;
  if ((flags & WriteGate::kWalSuspect) && wal_at_failure == 0) {
    wal_at_failure = CurrentWalNumber(db.get());
  }
  rocksdb::Status s = db->Resume();
  if (!s.ok()) return false;
  if ((flags & WriteGate::kWalSuspect) && CurrentWalNumber(db.get()) == wal_at_failure) {
    // Resume() switched to no new WAL because the memtable was empty, so RocksDB may still hold
    // the WAL writer that failed. Put one entry in the memtable, outside the WAL, so that the
    // flush below switches WALs (if that writer is the failed one the switch fails, RocksDB
    // stops writes again, and the next round's Resume() switches from a non-empty memtable).
    common::MutexLock io(&wal_io_mu);
    rocksdb::WriteOptions no_wal;
    no_wal.disableWAL = true;
    rocksdb::WriteBatch batch;
    batch.Delete("w");  // a key of no key space (key_layout.h): deleting it changes nothing
    if (!db->Write(no_wal, &batch).ok()) return false;
  }
  rocksdb::FlushOptions flush;
  flush.allow_write_stall = true;
  if (!db->Flush(flush).ok()) return false;
  if ((flags & WriteGate::kWalSuspect) && CurrentWalNumber(db.get()) == wal_at_failure) {
    return false;
  }
  // Everything RocksDB holds is in table files now: every write counted so far is durable.
  {
    common::MutexLock sync(&wal_mu);
    common::MutexLock io(&wal_io_mu);
    if (gate.flags() != flags) return false;  // a new error during recovery: start over
    wal_flushed.store(wal_appended.load());
    wal_at_failure = 0;
    gate.Clear(WriteGate::kStorageError | WriteGate::kNoSpace | WriteGate::kWalSuspect);
  }
  return true;
}

}  // namespace tideline::storage
