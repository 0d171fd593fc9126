// ListImports: the imports of the last 90 days, newest first, IN_PROGRESS ones included (as AWS
// lists them), optionally of one table, PageSize (1..25, default 25) at a time.
//
// NextToken must match the model's pattern ([0-9a-f]{16})+ of 112..1024 characters: it is the
// position after the last import returned, as 16 hex digits of its start time followed by the
// hex of its ARN, zero-padded to a multiple of 16 digits and at least 112.

#include "api/import_description.h"
#include "api/list_paging.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "import/import_service.h"

namespace tideline::api {

namespace {

constexpr size_t kMinTokenLength = 112;

std::string EncodeToken(int64_t start_ms, const std::string& arn) {
  std::string start(8, '\0');
  for (int i = 0; i < 8; ++i)
    start[i] = static_cast<char>(static_cast<uint64_t>(start_ms) >> (56 - 8 * i));
  std::string out = ToHex(start) + ToHex(arn);
  while (out.size() % 16 != 0 || out.size() < kMinTokenLength) out += "00";
  return out;
}

bool DecodeToken(std::string_view token, int64_t* start_ms, std::string* arn) {
  if (token.size() < kMinTokenLength || token.size() > 1024 || token.size() % 16 != 0) {
    return false;
  }
  std::string start;
  if (!FromHex(token.substr(0, 16), &start) || !FromHex(token.substr(16), arn)) return false;
  uint64_t ms = 0;
  for (char c : start) ms = (ms << 8) | static_cast<unsigned char>(c);
  while (!arn->empty() && arn->back() == '\0') arn->pop_back();
  *start_ms = static_cast<int64_t>(ms);
  return arn->find("/import/") != std::string::npos;
}

}  // namespace

std::string ExecuteListImports(Context& ctx, const json::Value& req) {
  auto table_arn = OptString(req, "TableArn");
  auto page_size = OptInteger(req, "PageSize");
  auto next_token = OptString(req, "NextToken");
  ValidationErrors errors;
  CheckListMembers(errors, table_arn, page_size, "pageSize");
  if (next_token && (next_token->size() < kMinTokenLength || next_token->size() > 1024))
    errors.Add(ValidationErrors::Quote(*next_token), "nextToken",
               next_token->size() < kMinTokenLength
                   ? "Member must have length greater than or equal to 112"
                   : "Member must have length less than or equal to 1024");
  errors.ThrowIfAny();
  int64_t after_start = 0;
  std::string after_arn;
  if (next_token && !DecodeToken(*next_token, &after_start, &after_arn)) {
    // AWS's wording for a token it did not issue is not known.
    throw ApiError::Validation("Invalid NextToken: " + std::string(*next_token));
  }
  const size_t max = static_cast<size_t>(page_size.value_or(25));

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ImportSummaryList");
  w.StartArray();
  size_t n = 0;
  const importer::ImportRecord* last = nullptr;
  bool more = false;
  std::vector<importer::ImportRecord> records;
  if (ctx.imports) records = ctx.imports->ListAll();
  for (const auto& r : records) {
    if (next_token && (r.start_time_ms > after_start ||
                       (r.start_time_ms == after_start && r.import_arn >= after_arn))) {
      continue;
    }
    if (table_arn && r.table_arn != *table_arn) continue;
    if (n == max) {
      more = true;
      break;
    }
    WriteImportSummary(w, ctx.config, r);
    last = &r;
    ++n;
  }
  w.EndArray();
  if (more && last) {
    w.Key("NextToken");
    json::WriteString(w, EncodeToken(last->start_time_ms, last->import_arn));
  }
  return response.Finish();
}

}  // namespace tideline::api
