#include "import/error_log.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "json/json.h"

namespace tideline::importer {

ErrorLog::ErrorLog(std::string path, std::string import_arn)
    : path_(std::move(path)), import_arn_(std::move(import_arn)) {
  // A rerun after a restart starts a new log: the counters start again from zero too.
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

ErrorLog::~ErrorLog() {
  common::MutexLock lock(&mu_);
  if (file_) std::fclose(file_);
}

void ErrorLog::Write(const std::string& bucket, const std::string& key, uint64_t line_index,
                     const std::string& message) {
  common::MutexLock lock(&mu_);
  if (failed_) return;
  if (!file_) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    file_ = std::fopen(path_.c_str(), "w");
    if (!file_) {
      failed_ = true;
      spdlog::error("cannot write the import error log {}: {}", path_, std::strerror(errno));
      return;
    }
  }
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("itemS3Pointer");
  w.StartObject();
  w.Key("bucket");
  json::WriteString(w, bucket);
  w.Key("key");
  json::WriteString(w, key);
  w.Key("itemIndex");
  w.Uint64(line_index);
  w.EndObject();
  w.Key("importArn");
  json::WriteString(w, import_arn_);
  w.Key("errorMessages");
  w.StartArray();
  json::WriteString(w, message);
  w.EndArray();
  w.EndObject();
  std::fwrite(buf.GetString(), 1, buf.GetSize(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

}  // namespace tideline::importer
