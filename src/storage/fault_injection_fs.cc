#include "storage/fault_injection_fs.h"

#include <rocksdb/file_system.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace tideline::storage {

namespace {

// The trigger file, read at most every 20 ms.
class Trigger {
 public:
  explicit Trigger(std::string path) : path_(std::move(path)) {}
  // OK while the trigger is absent; otherwise the injected error. With "sst" in the trigger
  // only table files fail (a memtable flush or a compaction, not the WAL).
  rocksdb::IOStatus Check(bool table_file) {
    Refresh();
    if (tables_only_.load() && !table_file) return rocksdb::IOStatus::OK();
    switch (state_.load()) {
      case 0:
        return rocksdb::IOStatus::OK();
      case 2:
        return rocksdb::IOStatus::NoSpace("injected fault", "No space left on device");
      default:
        return rocksdb::IOStatus::IOError("injected fault", "Input/output error");
    }
  }

  // A slow disk instead of a failing one: with "SLOW <ms>" in the trigger, every sync of a file
  // that is not a table file (the WAL's fsync) first sleeps that long, and nothing fails.
  void DelaySync(bool table_file) {
    Refresh();
    const int ms = slow_ms_.load();
    if (ms > 0 && !table_file) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }

 private:
  void Refresh() {
    const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (now < next_check_.load(std::memory_order_relaxed)) return;
    next_check_.store(now + 20'000'000, std::memory_order_relaxed);
    std::ifstream in(path_);
    std::stringstream content;
    if (in) content << in.rdbuf();
    const std::string what = content.str();
    const size_t slow = what.find("SLOW");
    slow_ms_.store(!in || slow == std::string::npos ? 0 : std::atoi(what.c_str() + slow + 4));
    int state = 0;  // no fault (no trigger, or a slow disk)
    if (in && slow == std::string::npos) state = what.find("ENOSPC") != std::string::npos ? 2 : 1;
    state_.store(state);
    tables_only_.store(what.find("sst") != std::string::npos);
  }

  std::string path_;
  std::atomic<int64_t> next_check_{0};
  std::atomic<int> state_{0};
  std::atomic<bool> tables_only_{false};
  std::atomic<int> slow_ms_{0};
};

bool IsTableFile(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".sst") == 0;
}

class FaultyFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, Trigger* trigger, bool table_file)
      : FSWritableFileOwnerWrapper(std::move(file)), trigger_(trigger), table_file_(table_file) {}
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (auto s = trigger_->Check(table_file_); !s.ok()) return s;
    return target()->Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (auto s = trigger_->Check(table_file_); !s.ok()) return s;
    return target()->Append(data, options, info, dbg);
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (auto s = trigger_->Check(table_file_); !s.ok()) return s;
    return target()->Flush(options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (auto s = trigger_->Check(table_file_); !s.ok()) return s;
    trigger_->DelaySync(table_file_);
    return target()->Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    if (auto s = trigger_->Check(table_file_); !s.ok()) return s;
    trigger_->DelaySync(table_file_);
    return target()->Fsync(options, dbg);
  }

 private:
  Trigger* trigger_;
  bool table_file_;
};

class FaultInjectionFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultInjectionFileSystem(std::shared_ptr<rocksdb::FileSystem> base, std::string trigger)
      : FileSystemWrapper(std::move(base)), trigger_(std::move(trigger)) {}
  const char* Name() const override { return "tideline.FaultInjectionFileSystem"; }
  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (auto s = trigger_.Check(IsTableFile(fname)); !s.ok()) return s;
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->NewWritableFile(fname, options, &file, dbg);
    if (s.ok())
      *result = std::make_unique<FaultyFile>(std::move(file), &trigger_, IsTableFile(fname));
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    if (auto s = trigger_.Check(IsTableFile(fname)); !s.ok()) return s;
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReopenWritableFile(fname, options, &file, dbg);
    if (s.ok())
      *result = std::make_unique<FaultyFile>(std::move(file), &trigger_, IsTableFile(fname));
    return s;
  }

 private:
  Trigger trigger_;
};

}  // namespace

std::shared_ptr<rocksdb::FileSystem> NewFaultInjectionFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, std::string trigger_path) {
  return std::make_shared<FaultInjectionFileSystem>(std::move(base), std::move(trigger_path));
}

}  // namespace tideline::storage
