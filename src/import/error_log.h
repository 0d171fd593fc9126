#pragma once
// ErrorLog: the file where an import writes each line it could not turn into an item, with the
// reason: Tideline's stand-in for the CloudWatch Logs stream "<import id>/error" of the log
// group /aws-dynamodb/imports that AWS writes to. One JSON object per line:
//   {"itemS3Pointer":{"bucket":"b","key":"k","itemIndex":3},"importArn":"...",
//    "errorMessages":["..."]}
// itemIndex is the 0-based index of the line in its object (after decompression), blank lines
// included. The member names follow AWS's import error events as far as we know them; the
// exact shape of those events is not documented by AWS.

#include <cstdint>
#include <cstdio>
#include <string>

#include "common/mutex.h"
#include "common/status.h"

namespace tideline::importer {

class ErrorLog {
 public:
  ErrorLog(std::string path, std::string import_arn);
  ~ErrorLog();
  ErrorLog(const ErrorLog&) = delete;
  ErrorLog& operator=(const ErrorLog&) = delete;

  // Appends one event (the file is created, empty, by the first one; an earlier run's file is
  // replaced). Errors writing the log are reported once in the server log and otherwise ignored:
  // the import's counters stay right whatever happens to its log.
  void Write(const std::string& bucket, const std::string& key, uint64_t line_index,
             const std::string& message);

 private:
  const std::string path_;
  const std::string import_arn_;
  common::Mutex mu_;  // the reader threads of an import share its log
  FILE* file_ GUARDED_BY(mu_) = nullptr;
  bool failed_ GUARDED_BY(mu_) = false;
};

}  // namespace tideline::importer
