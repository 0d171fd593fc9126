// DescribeImport: the ImportTableDescription of one import of the last 90 days.

#include "api/import_description.h"
#include "api/import_errors.h"
#include "api/operations.h"
#include "api/request.h"
#include "common/api_error.h"
#include "import/import_service.h"

namespace tideline::api {

namespace {

// <anything>:table/<3..255 chars>/import/<id>: the shape of an import ARN. AWS answers
// "Invalid Import ARN" (ValidationException) otherwise, e.g. for a 1-character table name
// (ScyllaDB's test_describe_import_malformed_arn).
bool LooksLikeImportArn(std::string_view arn) {
  const size_t table = arn.find(":table/");
  const size_t import = arn.rfind("/import/");
  if (!arn.starts_with("arn:") || table == std::string_view::npos ||
      import == std::string_view::npos || import < table + 7) {
    return false;
  }
  const size_t name_len = import - (table + 7);
  return name_len >= 3 && name_len <= 255 && import + 8 < arn.size();
}

}  // namespace

std::string ExecuteDescribeImport(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "ImportArn");
  ValidationErrors errors;
  if (!arn)
    errors.AddNull("importArn");
  else if (arn->size() < 37)
    errors.Add(ValidationErrors::Quote(*arn), "importArn",
               "Member must have length greater than or equal to 37");
  else if (arn->size() > 1024)
    errors.Add(ValidationErrors::Quote(*arn), "importArn",
               "Member must have length less than or equal to 1024");
  errors.ThrowIfAny();
  if (!LooksLikeImportArn(*arn)) {
    throw ApiError::Validation("Invalid Import ARN: " + std::string(*arn));
  }
  std::optional<importer::ImportRecord> record;
  if (ctx.imports) record = ctx.imports->Find(std::string(*arn));
  // The message's wording is Tideline's (AWS's is not known).
  if (!record) throw ImportNotFound("Import not found: " + std::string(*arn));
  return ImportDescriptionResponse(ctx.config, *record);
}

}  // namespace tideline::api
