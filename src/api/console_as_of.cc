#include "api/console_as_of.h"

#include "api/continuous_backups.h"
#include "api/request.h"
#include "common/api_error.h"

namespace tideline::api {

AsOfRead StartAsOfRead(Context& ctx, const json::Value& req) {
  // The console's own operations: the wording of these errors is Tideline's.
  auto table = FindTableForBackups(ctx, req);
  if (table->restore_in_progress) {
    throw ApiError::TableNotFound("Table not found: " + table->name);
  }
  const auto as_of = OptTimestamp(req, "AsOf");
  if (!as_of) {
    throw ApiError::Validation("AsOf is required: the moment to read at, in epoch seconds");
  }
  if (!table->pitr_enabled) {
    throw ApiError::PointInTimeRecoveryUnavailable(
        "Point in time recovery is not enabled for table '" + table->name +
        "': no history is kept to read at a past moment");
  }
  const RecoveryWindow window = RecoveryWindowOf(*table, ctx.storage.Now());
  const auto in_window = TimeInWindow(*as_of, window);
  if (!in_window) {
    throw ApiError::Validation(
        "AsOf must be between EarliestRestorableDateTime and LatestRestorableDateTime");
  }
  AsOfRead read;
  read.as_of_us = *in_window;
  read.pin = ctx.storage.PinHistory(table->id, read.as_of_us);
  read.table = std::move(table);
  return read;
}

}  // namespace tideline::api
