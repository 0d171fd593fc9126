#include "storage/info_log.h"

#include <rocksdb/env.h>
#include <sys/time.h>

#include <cstdio>
#include <ctime>

#include "common/mutex.h"

namespace tideline::storage {

namespace {

class StdioLogger : public rocksdb::Logger {
 public:
  explicit StdioLogger(std::FILE* file) : file_(file) {}
  ~StdioLogger() override {
    if (file_) std::fclose(file_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (!file_) return;
    timeval now;
    gettimeofday(&now, nullptr);
    tm t;
    localtime_r(&now.tv_sec, &t);
    common::MutexLock lock(&mu_);
    std::fprintf(file_, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld ", t.tm_year + 1900, t.tm_mon + 1,
                 t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, static_cast<long>(now.tv_usec));
    std::vfprintf(file_, format, ap);
    std::fputc('\n', file_);
    std::fflush(file_);  // errors (a full disk) lose the line, nothing else
    std::clearerr(file_);
  }

 private:
  std::FILE* file_ PT_GUARDED_BY(mu_);  // RocksDB logs from several threads at once
  common::Mutex mu_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::string& path) {
  std::rename(path.c_str(), (path + ".old").c_str());
  return std::make_shared<StdioLogger>(std::fopen(path.c_str(), "we"));
}

}  // namespace tideline::storage
