#include "storage/write_gate.h"

#include <spdlog/spdlog.h>

namespace tideline::storage {

namespace {

class GateListener : public rocksdb::EventListener {
 public:
  explicit GateListener(WriteGate* gate) : gate_(gate) {}
  const char* Name() const override { return "tideline.WriteGate"; }
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                         rocksdb::Status* bg_error) override {
    gate_->OnBackgroundError(reason, bg_error);
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }

 private:
  WriteGate* gate_;
};

const char* ReasonName(rocksdb::BackgroundErrorReason reason) {
  switch (reason) {
    case rocksdb::BackgroundErrorReason::kFlush:
      return "flush";
    case rocksdb::BackgroundErrorReason::kCompaction:
      return "compaction";
    case rocksdb::BackgroundErrorReason::kWriteCallback:
      return "WAL write";
    case rocksdb::BackgroundErrorReason::kMemTable:
      return "memtable switch";
    case rocksdb::BackgroundErrorReason::kManifestWrite:
      return "MANIFEST write";
    default:
      return "background job";
  }
}

}  // namespace

Status WriteGate::Refusal(uint32_t flags) {
  if (flags & kBroken) {
    // Not retryable: a 500 whose detail (this text) is only logged.
    return Status::IOError("storage stopped after an unrecoverable error; restart the server");
  }
  if (flags & (kNoSpace | kDiskLow)) return Status::Unavailable(kDiskFullMessage);
  return Status::Unavailable(kStorageErrorMessage);
}

Status WriteGate::WriteFailed(const rocksdb::Status& s) {
  if (s.IsCorruption()) {
    Set(kStorageError | kBroken);
  } else if (s.IsIOError()) {
    // The listener has normally closed the gate already (RocksDB records every write error as a
    // background error), with kWalSuspect for a WAL write. A write RocksDB refused because of an
    // earlier background error (a failed flush) leaves the WAL writer healthy.
    if ((flags() & kStorageError) == 0) {
      spdlog::error("storage: write failed, refusing writes until it recovers: {}", s.ToString());
      Set(kStorageError | kWalSuspect | (s.IsNoSpace() ? uint32_t{kNoSpace} : 0u));
    }
  } else {
    return Status::IOError(s.ToString());
  }
  return Refusal(this->flags());
}

void WriteGate::OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                                  rocksdb::Status* bg_error) {
  using Severity = rocksdb::Status::Severity;
  const bool wal = reason == rocksdb::BackgroundErrorReason::kWriteCallback ||
                   reason == rocksdb::BackgroundErrorReason::kMemTable;
  if (bg_error->IsCorruption() || bg_error->severity() >= Severity::kUnrecoverableError) {
    spdlog::critical("storage: {} failed: {}; writes are refused until a restart",
                     ReasonName(reason), bg_error->ToString());
    Set(kStorageError | kBroken);
    return;
  }
  uint32_t flags = kStorageError;
  if (bg_error->IsNoSpace()) flags |= kNoSpace;
  if (wal) flags |= kWalSuspect;
  if (bg_error->severity() == Severity::kFatalError && bg_error->IsIOError()) {
    *bg_error = rocksdb::Status(*bg_error, Severity::kHardError);
  }
  spdlog::error("storage: {} failed, refusing writes until it recovers: {}", ReasonName(reason),
                bg_error->ToString());
  Set(flags);
}

std::shared_ptr<rocksdb::EventListener> WriteGate::NewListener() {
  return std::make_shared<GateListener>(this);
}

}  // namespace tideline::storage
