// VerifyExport (the console's): starts a verification of a COMPLETED export by the export
// verifier, tools/verify-export/verify_export.py (docs/verify-export.md, docs/console.md,
// "Verifying an export"), and answers as DescribeExportVerification does. The verifier reads
// the export where the server wrote it and, when the exported table is still the same table
// with its export time in its recovery window, compares the items with the table through this
// server's API, restoring it into temporary tables that the verifier deletes. It writes nothing
// else. Errors (the wording is Tideline's: DynamoDB has no such operation):
//   ExportNotFoundException   no export has the ARN
//   ValidationException       the export is not COMPLETED; verifications are off
//   ResourceInUseException    a verification of this export is running
//   LimitExceededException    as many verifications as the server runs at once are running

#include <filesystem>
#include <string>
#include <system_error>

#include "api/console_export_lookup.h"
#include "api/console_export_verification.h"
#include "api/console_operations.h"
#include "api/continuous_backups.h"
#include "api/export_destination.h"
#include "common/api_error.h"
#include "export/names.h"
#include "storage/storage.h"
#include "verify/verification_service.h"

namespace tideline::api {

namespace {

// The directory standing for S3, absolute and without a trailing slash, as the verifier names
// the files below it.
std::string LocalExportRoot(const ServerConfig& config) {
  const std::string dir = ExportDirectory(config);
  std::error_code ec;
  std::string root = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) root = dir;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// Where the export's own folder (the one holding manifest-summary.json) is: on the S3 endpoint,
// or at <root>/<bucket>/<key> in the directory standing for S3.
void SetExportLocation(const ServerConfig& config, const exporter::ExportRecord& record,
                       verify::VerificationRequest* request) {
  const std::string key = exporter::ExportPrefix(record.s3_prefix, record.export_id);
  if (!config.s3_endpoint.empty()) {
    request->location = "s3://" + record.s3_bucket + "/" + key;
    request->s3_endpoint = config.s3_endpoint;
    return;
  }
  request->local_root = LocalExportRoot(config);
  request->location = request->local_root + "/" + record.s3_bucket + "/" + key;
}

// Why the items cannot be compared with the table, or "" when they can: the verifier restores
// the table as of the export's time (for an incremental export, both ends of its window)
// through this server's API.
std::string TableComparisonObstacle(Context& ctx, const exporter::ExportRecord& record,
                                    const std::string& endpoint) {
  const std::string& name = record.table_name;
  if (ctx.authenticator != nullptr) {
    return "not compared with table " + name +
           ": the server checks signatures (--credentials) and the verifier has no key of its "
           "own";
  }
  if (!ctx.config.tls_cert.empty()) {
    return "not compared with table " + name +
           ": the server serves HTTPS, whose certificate the verifier would have to trust";
  }
  if (endpoint.empty()) return "not compared with table " + name + ": the server is not listening";
  auto table = ctx.storage.FindTable(name);
  if (!table) return "not compared with table " + name + ": it no longer exists";
  if (table->table_uuid != record.table_id) {
    return "not compared with table " + name + ": it was deleted and created again since";
  }
  if (!table->pitr_enabled) {
    return "not compared with table " + name + ": point-in-time recovery is off";
  }
  // The verifier restores at exportFromTime - 1 ms for an incremental export.
  const uint64_t first_restore_us =
      record.incremental() ? record.export_from_time_us - 1000 : record.export_time_us;
  if (RecoveryWindowOf(*table, ctx.storage.Now()).earliest_us > first_restore_us) {
    return "not compared with table " + name +
           ": the export's time is no longer in its recovery window";
  }
  return "";
}

}  // namespace

std::string ExecuteVerifyExport(Context& ctx, const json::Value& req) {
  const exporter::ExportRecord record = FindConsoleExport(ctx, req);
  if (record.status != "COMPLETED") {
    throw ApiError::Validation("Only a COMPLETED export can be verified; this one is " +
                               record.status);
  }
  if (ctx.verifications == nullptr) {
    throw ApiError::Validation("Export verification is not available on this server");
  }
  verify::VerificationRequest request;
  request.export_arn = record.export_arn;
  SetExportLocation(ctx.config, record, &request);
  const std::string endpoint = ctx.verifications->server_endpoint();
  request.table_comparison_note = TableComparisonObstacle(ctx, record, endpoint);
  if (request.table_comparison_note.empty()) {
    request.against_table = record.table_name;
    request.dynamodb_endpoint = endpoint;
  }
  switch (ctx.verifications->Start(request)) {
    case verify::VerificationService::StartResult::kStarted:
      break;
    case verify::VerificationService::StartResult::kAlreadyRunning:
      throw ApiError::ResourceInUse("A verification of this export is already running");
    case verify::VerificationService::StartResult::kTooMany:
      throw ApiError::LimitExceeded(std::to_string(ctx.verifications->max_running()) +
                                    " export verifications are running, as many as the server "
                                    "runs at once; start this one when one has ended");
    case verify::VerificationService::StartResult::kStopped:
      throw ApiError::Validation("Export verification is not available: the server is stopping");
  }
  return ExportVerificationResponse(record.export_arn, ctx.verifications->Find(record.export_arn));
}

}  // namespace tideline::api
