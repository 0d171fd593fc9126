// ListExports: newest first (descending ExportArn, as AWS orders them), IN_PROGRESS and FAILED
// included, paged by an opaque NextToken (the hex of the last ARN returned).

#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "export/export_service.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool Unhex(std::string_view s, std::string* out) {
  if (s.size() % 2) return false;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return out->find("/export/") != std::string::npos;
}

}  // namespace

std::string ExecuteListExports(Context& ctx, const json::Value& req) {
  auto table_arn = OptString(req, "TableArn");
  auto max_results = OptInteger(req, "MaxResults");
  auto next_token = OptString(req, "NextToken");
  ValidationErrors errors;
  if (table_arn && (table_arn->empty() || table_arn->size() > 1024))
    errors.Add(ValidationErrors::Quote(*table_arn), "tableArn",
               table_arn->empty() ? "Member must have length greater than or equal to 1"
                                  : "Member must have length less than or equal to 1024");
  if (max_results && *max_results < 1)
    errors.Add(ValidationErrors::Quote(std::to_string(*max_results)), "maxResults",
               "Member must have value greater than or equal to 1");
  if (max_results && *max_results > 25)
    errors.Add(ValidationErrors::Quote(std::to_string(*max_results)), "maxResults",
               "Member must have value less than or equal to 25");
  errors.ThrowIfAny();
  std::string after;
  if (next_token && !Unhex(*next_token, &after)) {
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
    json::WriteString(w, Hex(last));
  }
  return response.Finish();
}

}  // namespace tideline::api
