#pragma once
// What DescribeExport reports for a failed export: AWS's FailureCode and FailureMessage, never
// the Status text, which may name local files or RocksDB internals (that text goes to the log).
//
//   S3 answered an error  -> "S3" + S3's error code, S3's message: AWS reports a missing bucket
//                            as S3NoSuchBucket, "The specified bucket does not exist" (observed
//                            on AWS by moto's and ScyllaDB's export tests; AWS appends the Java
//                            SDK's "(Service: Amazon S3; ...)" details, which Tideline has not)
//   the table was deleted -> TableNotFoundException
//   anything else         -> InternalError with a generic message (local I/O, an S3 endpoint
//                            that cannot be reached, a bug). AWS's code for such failures is
//                            not documented; this one is Tideline's choice.

#include <string>

#include "common/status.h"

namespace tideline::exporter {

struct ExportFailure {
  std::string code;
  std::string message;
};

ExportFailure FailureOf(const Status& s);
ExportFailure TableDeletedFailure();

}  // namespace tideline::exporter
