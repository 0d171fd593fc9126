// UpdateContinuousBackups: turns point-in-time recovery on or off. Enabling an enabled table
// keeps its window (only the period changes); disabling ends the window, and enabling again
// starts a new one at that moment, as on DynamoDB.

#include "api/continuous_backups.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteUpdateContinuousBackups(Context& ctx, const json::Value& req) {
  const json::Value* spec = OptObject(req, "PointInTimeRecoverySpecification");
  ValidationErrors errors;
  CheckTableNameOrArn(OptString(req, "TableName"), "tableName", &errors);
  std::optional<bool> enabled;
  std::optional<int64_t> days;
  if (!spec) {
    errors.AddNull("pointInTimeRecoverySpecification");
  } else {
    enabled = OptBool(*spec, "PointInTimeRecoveryEnabled");
    days = OptInt(*spec, "RecoveryPeriodInDays");
    if (!enabled) errors.AddNull("pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled");
    if (days && *days < 1)
      errors.Add(ValidationErrors::Quote(std::to_string(*days)),
                 "pointInTimeRecoverySpecification.recoveryPeriodInDays",
                 "Member must have value greater than or equal to 1");
    if (days && *days > 35)
      errors.Add(ValidationErrors::Quote(std::to_string(*days)),
                 "pointInTimeRecoverySpecification.recoveryPeriodInDays",
                 "Member must have value less than or equal to 35");
  }
  errors.ThrowIfAny();
  if (days && !*enabled) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: RecoveryPeriodInDays can only be specified "
        "when PointInTimeRecoveryEnabled is true");
  }
  auto table = FindTableForBackups(ctx, req);
  storage::TableMeta meta = *table;
  const uint64_t now = ctx.storage.Now();
  if (*enabled) {
    if (!meta.pitr_enabled) meta.pitr_since_us = now;
    meta.pitr_enabled = true;
    meta.recovery_days = static_cast<int>(days.value_or(35));
  } else {
    meta.pitr_enabled = false;
    meta.recovery_days = 35;
  }
  std::shared_ptr<const storage::TableMeta> updated;
  Status s = ctx.storage.UpdateTable(meta, &updated);
  if (s.IsNotFound()) throw ApiError::TableNotFound("Table not found: " + meta.name);
  if (!s.ok()) throw StatusError(s);
  return ContinuousBackupsResponse(*updated, std::max(now, updated->pitr_since_us));
}

}  // namespace tideline::api
