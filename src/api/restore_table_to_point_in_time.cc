// RestoreTableToPointInTime: a new table holding the items of a PITR-enabled table as they were
// at a moment of its recovery window. The target is created here, CREATING, and answered at once;
// the restore service copies the items in the background and turns it ACTIVE (see
// restore/restore_service.h and api/restore_target.h for what the target takes).

#include "api/continuous_backups.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/restore_target.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteRestoreTableToPointInTime(Context& ctx, const json::Value& req) {
  auto source_name = OptString(req, "SourceTableName");
  auto source_arn = OptString(req, "SourceTableArn");
  auto target_name = OptString(req, "TargetTableName");
  auto use_latest = OptBool(req, "UseLatestRestorableTime");
  auto restore_time = OptTimestamp(req, "RestoreDateTime");
  ValidationErrors errors;
  CheckTableName(target_name, "targetTableName", &errors, /*length_message=*/true);
  if (source_name) CheckTableName(source_name, "sourceTableName", &errors, true);
  if (source_arn && (source_arn->empty() || source_arn->size() > 1024)) {
    errors.Add(ValidationErrors::Quote(*source_arn), "sourceTableArn",
               "Member must have length between 1 and 1024");
  }
  const RestoreOverrides overrides = ReadRestoreOverrides(req, &errors);
  errors.ThrowIfAny();

  if (source_name.has_value() == source_arn.has_value()) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Exactly one of SourceTableName and "
        "SourceTableArn must be specified");
  }
  const bool latest = use_latest.value_or(false);
  if (latest == restore_time.has_value()) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Exactly one of RestoreDateTime and "
        "UseLatestRestorableTime must be specified");
  }
  CheckRestoreOverrides(overrides);

  const std::string source_ref(source_name ? *source_name : *source_arn);
  const std::string name = TableNameFromNameOrArn(ctx.config, source_ref);
  auto source = name.empty() ? nullptr : ctx.storage.FindTable(name);
  if (!source || source->restore_in_progress) {
    throw ApiError::TableNotFound("Table not found: " + source_ref);
  }
  if (!source->pitr_enabled) {
    throw ApiError::PointInTimeRecoveryUnavailable(
        "Point in time recovery is not enabled for table '" + source->name + "'");
  }
  CheckRestoreTarget(ctx, *target_name);

  // Taking the clock here makes every write acknowledged before this request part of a restore
  // to the latest restorable time.
  const uint64_t now_us = ctx.storage.Now();
  const RecoveryWindow window = RecoveryWindowOf(*source, now_us);
  uint64_t restore_us = window.latest_us;
  if (restore_time) {
    auto in_window = TimeInWindow(*restore_time, window);
    if (!in_window) {
      throw ApiError::InvalidRestoreTime(
          "RestoreDateTime must be between EarliestRestorableDateTime and "
          "LatestRestorableDateTime.");
    }
    restore_us = *in_window;
  }
  // Pinned before the target exists: no compaction may collect what the copy will read.
  auto pin = ctx.storage.PinHistory(source->id, restore_us);

  RestoreOrigin origin;
  origin.source_id = source->id;
  origin.as_of_us = restore_us;
  origin.source_table_arn = TableArn(ctx.config, source->name);
  origin.restore_date_time_us = restore_us;
  return CreateRestoredTable(ctx, *target_name, overrides, *source, origin, std::move(pin));
}

}  // namespace tideline::api
