#include "api/continuous_backups.h"

#include <cmath>

#include "api/request.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

RecoveryWindow RecoveryWindowOf(const storage::TableMeta& table, uint64_t now_us) {
  const uint64_t period = static_cast<uint64_t>(table.recovery_days) * 86400ull * 1000000ull;
  const uint64_t window_start = now_us > period ? now_us - period : 0;
  return {std::max(table.pitr_since_us, window_start), now_us};
}

std::optional<uint64_t> TimeInWindow(double epoch_seconds, const RecoveryWindow& window) {
  if (!std::isfinite(epoch_seconds) || epoch_seconds < 0) return std::nullopt;
  const auto us = static_cast<uint64_t>(std::llround(epoch_seconds * 1e6));
  if (us + 1000 <= window.earliest_us || us > window.latest_us) return std::nullopt;
  return std::max(us, window.earliest_us);
}

std::string ContinuousBackupsResponse(const storage::TableMeta& table, uint64_t now_us) {
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ContinuousBackupsDescription");
  w.StartObject();
  // Continuous backups are always on for every table (as on DynamoDB); PITR is the switch.
  w.Key("ContinuousBackupsStatus");
  w.String("ENABLED");
  w.Key("PointInTimeRecoveryDescription");
  w.StartObject();
  w.Key("PointInTimeRecoveryStatus");
  w.String(table.pitr_enabled ? "ENABLED" : "DISABLED");
  if (table.pitr_enabled) {
    const RecoveryWindow window = RecoveryWindowOf(table, now_us);
    w.Key("RecoveryPeriodInDays");
    w.Int(table.recovery_days);
    w.Key("EarliestRestorableDateTime");
    WriteTimestamp(w, static_cast<int64_t>(window.earliest_us / 1000));
    w.Key("LatestRestorableDateTime");
    WriteTimestamp(w, static_cast<int64_t>(window.latest_us / 1000));
  }
  w.EndObject();
  w.EndObject();
  return response.Finish();
}

std::shared_ptr<const storage::TableMeta> FindTableForBackups(Context& ctx,
                                                              const json::Value& req) {
  auto name = OptString(req, "TableName");
  ValidationErrors errors;
  CheckTableNameOrArn(name, "tableName", &errors);
  errors.ThrowIfAny();
  std::string table_name = TableNameFromNameOrArn(ctx.config, *name);
  auto table = table_name.empty() ? nullptr : ctx.storage.FindTable(table_name);
  if (!table) throw ApiError::TableNotFound("Table not found: " + std::string(*name));
  return table;
}

}  // namespace tideline::api
