// DescribeExportVerification (the console's, read-only): the latest verification of an export
// that VerifyExport started (api/console_export_verification.h). Results live in the server's
// memory: after a restart every export reads NOT_VERIFIED again.

#include "api/console_export_lookup.h"
#include "api/console_export_verification.h"
#include "api/console_operations.h"
#include "verify/verification_service.h"

namespace tideline::api {

std::string ExecuteDescribeExportVerification(Context& ctx, const json::Value& req) {
  const exporter::ExportRecord record = FindConsoleExport(ctx, req);
  std::optional<verify::VerificationState> state;
  if (ctx.verifications) state = ctx.verifications->Find(record.export_arn);
  return ExportVerificationResponse(record.export_arn, state);
}

}  // namespace tideline::api
