#pragma once
// What the console's verification of one export is asked to do, and what became of it
// (verify/verification_service.h runs it).

#include <cstdint>
#include <string>

namespace tideline::verify {

// One run of tools/verify-export/verify_export.py over one export.
struct VerificationRequest {
  std::string export_arn;
  std::string location;     // the export's folder: a local directory or s3://bucket/prefix
  std::string s3_endpoint;  // --s3-endpoint, for an s3:// location ("" = boto3's default)
  // The local directory standing for S3 that holds the location, absolute, or "": in what a
  // client sees, "<local_root>/<bucket>/<key>" reads "s3://<bucket>/<key>", as the export's
  // destination does (a client is not told the server's paths).
  std::string local_root;
  // --against-table and --endpoint: compare the items with this table as of the export's time
  // through this server's API. Empty when the comparison cannot run; then
  // table_comparison_note says why.
  std::string against_table;
  std::string dynamodb_endpoint;
  std::string table_comparison_note;
};

enum class VerificationStatus {
  kInProgress,
  kPassed,       // the verifier exited 0
  kFailed,       // it found an inconsistency (exit 1 with its "verify-export: " line)
  kUnavailable,  // it could not run or could not finish: message says why
};

const char* VerificationStatusName(VerificationStatus status);  // "IN_PROGRESS", ...

struct VerificationState {
  VerificationStatus status = VerificationStatus::kInProgress;
  // The verifier's verdict line (its "OK ..." line, or its "verify-export: <object>: <fault>"
  // line), or why it could not run or finish.
  std::string message;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;    // 0 while in progress
  std::string against_table;  // as requested
  // Whether the table comparison ran to a verdict: it passed, or it is what failed.
  bool table_compared = false;
  std::string table_comparison_note;
};

}  // namespace tideline::verify
