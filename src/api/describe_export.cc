#include "api/export_description.h"
#include "api/operations.h"
#include "api/request.h"
#include "common/api_error.h"
#include "export/export_service.h"

namespace tideline::api {

std::string ExecuteDescribeExport(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "ExportArn");
  ValidationErrors errors;
  if (!arn) errors.AddNull("exportArn");
  else if (arn->size() < 37)
    errors.Add(ValidationErrors::Quote(*arn), "exportArn",
               "Member must have length greater than or equal to 37");
  else if (arn->size() > 1024)
    errors.Add(ValidationErrors::Quote(*arn), "exportArn",
               "Member must have length less than or equal to 1024");
  errors.ThrowIfAny();
  if (arn->substr(0, 4) != "arn:" || arn->find("/export/") == std::string_view::npos) {
    throw ApiError::Validation("Invalid Export ARN: " + std::string(*arn));
  }
  std::optional<exporter::ExportRecord> record;
  if (ctx.exports) record = ctx.exports->Find(std::string(*arn));
  if (!record) throw ApiError::ExportNotFound("Export not found: " + std::string(*arn));
  return ExportDescriptionResponse(*record);
}

}  // namespace tideline::api
