// ListExports: newest first (descending ExportArn, as AWS orders them), IN_PROGRESS and FAILED
// included, paged by an opaque NextToken (the hex of the last ARN returned).

#include "api/list_paging.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "export/export_service.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

bool DecodeToken(std::string_view token, std::string* arn) {
  return FromHex(token, arn) && arn->find("/export/") != std::string::npos;
}

}  // namespace

std::string ExecuteListExports(Context& ctx, const json::Value& req) {
  auto table_arn = OptString(req, "TableArn");
  auto max_results = OptInteger(req, "MaxResults");
  auto next_token = OptString(req, "NextToken");
  ValidationErrors errors;
  CheckListMembers(errors, table_arn, max_results, "maxResults");
  errors.ThrowIfAny();
  std::string after;
  if (next_token && !DecodeToken(*next_token, &after)) {
    throw ApiError::Validation("Invalid NextToken: " + std::string(*next_token));
  }
  const size_t max = static_cast<size_t>(max_results.value_or(25));

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ExportSummaries");
  w.StartArray();
  size_t n = 0;
  std::string last;
  bool more = false;
  if (ctx.exports) {
    for (const auto& r : ctx.exports->ListAll()) {
      if (next_token && r.export_arn >= after) continue;
      if (table_arn) {
        if (r.table_arn != *table_arn) continue;
        // Once a table is deleted, listing by its ARN no longer shows its exports (AWS).
        auto table = ctx.storage.FindTable(r.table_name);
        if (!table || table->id != r.table_internal_id) continue;
      }
      if (n == max) {
        more = true;
        break;
      }
      w.StartObject();
      w.Key("ExportArn");
      json::WriteString(w, r.export_arn);
      w.Key("ExportStatus");
      json::WriteString(w, r.status);
      w.Key("ExportType");
      json::WriteString(w, r.export_type.empty() ? "FULL_EXPORT" : r.export_type);
      w.EndObject();
      last = r.export_arn;
      ++n;
    }
  }
  w.EndArray();
  if (more) {
    w.Key("NextToken");
    json::WriteString(w, ToHex(last));
  }
  return response.Finish();
}

}  // namespace tideline::api
