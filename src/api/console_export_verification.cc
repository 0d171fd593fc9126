#include "api/console_export_verification.h"

#include <string_view>

#include "api/request.h"
#include "api/response_body.h"

namespace tideline::api {

namespace {

void WriteString(json::Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string ExportVerificationResponse(const std::string& export_arn,
                                       const std::optional<verify::VerificationState>& state) {
  ResponseBody response;
  json::Writer& w = response.writer();
  WriteString(w, "ExportArn", export_arn);
  if (!state) {
    WriteString(w, "VerificationStatus", "NOT_VERIFIED");
    return response.Finish();
  }
  WriteString(w, "VerificationStatus", verify::VerificationStatusName(state->status));
  if (state->status != verify::VerificationStatus::kInProgress) {
    WriteString(w, "Message", state->message);
  }
  w.Key("StartTime");
  WriteTimestamp(w, state->start_time_ms);
  if (state->end_time_ms != 0) {
    w.Key("EndTime");
    WriteTimestamp(w, state->end_time_ms);
  }
  if (!state->against_table.empty()) WriteString(w, "AgainstTable", state->against_table);
  w.Key("TableCompared");
  w.Bool(state->table_compared);
  if (!state->table_comparison_note.empty()) {
    WriteString(w, "TableComparisonNote", state->table_comparison_note);
  }
  return response.Finish();
}

}  // namespace tideline::api
