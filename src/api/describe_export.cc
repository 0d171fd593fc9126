#include <vector>

#include "api/export_description.h"
#include "api/operations.h"
#include "api/request.h"
#include "common/api_error.h"
#include "export/export_service.h"

namespace tideline::api {

std::string ExecuteDescribeExport(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "ExportArn");
  ValidationErrors errors;
  if (!arn)
    errors.AddNull("exportArn");
  else if (arn->size() < 37)
    errors.Add(ValidationErrors::Quote(*arn), "exportArn",
               "Member must have length greater than or equal to 37");
  else if (arn->size() > 1024)
    errors.Add(ValidationErrors::Quote(*arn), "exportArn",
               "Member must have length less than or equal to 1024");
  errors.ThrowIfAny();
  // An ARN of another partition, service, region or account is not ours to describe: AWS
  // answers AccessDeniedException there (ScyllaDB test_describe_export_incorrect_arns), and a
  // ValidationException for an ARN of ours that names no export.
  std::vector<std::string_view> parts;
  for (size_t pos = 0; parts.size() < 5;) {
    size_t colon = arn->find(':', pos);
    if (colon == std::string_view::npos) break;
    parts.push_back(arn->substr(pos, colon - pos));
    pos = colon + 1;
  }
  if (parts.size() == 5 && parts[0] == "arn") {
    if ((parts[1] != "aws" && parts[1] != "aws-cn" && parts[1] != "aws-us-gov") ||
        parts[2] != "dynamodb" || parts[3] != ctx.config.region ||
        parts[4] != ctx.config.account_id) {
      throw ApiError::AccessDenied("User: arn:aws:iam::" + ctx.config.account_id +
                                   ":root is not authorized to perform: dynamodb:DescribeExport "
                                   "on resource: " +
                                   std::string(*arn));
    }
  }
  if (parts.size() != 5 || parts[0] != "arn" || arn->find("/export/") == std::string_view::npos) {
    throw ApiError::Validation("Invalid Export ARN: " + std::string(*arn));
  }
  std::optional<exporter::ExportRecord> record;
  if (ctx.exports) record = ctx.exports->Find(std::string(*arn));
  if (!record) throw ApiError::ExportNotFound("Export not found: " + std::string(*arn));
  return ExportDescriptionResponse(*record);
}

}  // namespace tideline::api
