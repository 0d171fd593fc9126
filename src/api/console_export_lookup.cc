#include "api/console_export_lookup.h"

#include <optional>
#include <string>

#include "api/request.h"
#include "common/api_error.h"
#include "export/export_service.h"

namespace tideline::api {

exporter::ExportRecord FindConsoleExport(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "ExportArn");
  if (!arn) {
    throw ApiError::Validation(
        "The parameter 'ExportArn' is required but was not present in the request");
  }
  std::optional<exporter::ExportRecord> record;
  if (ctx.exports) record = ctx.exports->Find(std::string(*arn));
  if (!record) throw ApiError::ExportNotFound("Export not found: " + std::string(*arn));
  return *record;
}

}  // namespace tideline::api
