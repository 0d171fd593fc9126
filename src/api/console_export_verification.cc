#include "api/console_export_verification.h"

#include "api/request.h"
#include "api/response_body.h"

namespace tideline::api {

std::string ExportVerificationResponse(const std::string& export_arn,
                                       const std::optional<verify::VerificationState>& state) {
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ExportArn");
  json::WriteString(w, export_arn);
  if (!state) {
    w.Key("VerificationStatus");
    json::WriteString(w, "NOT_VERIFIED");
    return response.Finish();
  }
  w.Key("VerificationStatus");
  json::WriteString(w, verify::VerificationStatusName(state->status));
  if (state->status != verify::VerificationStatus::kInProgress) {
    w.Key("Message");
    json::WriteString(w, state->message);
  }
  w.Key("StartTime");
  WriteTimestamp(w, state->start_time_ms);
  if (state->end_time_ms != 0) {
    w.Key("EndTime");
    WriteTimestamp(w, state->end_time_ms);
  }
  if (!state->against_table.empty()) {
    w.Key("AgainstTable");
    json::WriteString(w, state->against_table);
  }
  w.Key("TableCompared");
  w.Bool(state->table_compared);
  if (!state->table_comparison_note.empty()) {
    w.Key("TableComparisonNote");
    json::WriteString(w, state->table_comparison_note);
  }
  return response.Finish();
}

}  // namespace tideline::api
