#pragma once
// One server per data directory. Storage::Open takes an exclusive lock (flock) on
// <data-dir>/tideline.lock before it touches anything in the directory, and holds it until the
// Storage is gone: a second server started on the same directory stops at once with a message
// that says so, instead of first removing the running server's bulk-load files and then
// failing on RocksDB's own LOCK. The lock goes with the process, even after kill -9.

#include <memory>
#include <string>

#include "common/status.h"

namespace tideline::storage {

class DataDirLock {
 public:
  // Busy when another process holds the directory; IOError when the lock file cannot be made.
  static Status Acquire(const std::string& data_dir, std::unique_ptr<DataDirLock>* out);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tideline::storage
