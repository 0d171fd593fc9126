// RestoreTableFromBackup: a new table holding the items of a backup, i.e. of its source table as
// it was at the backup's time, even if that table has been deleted since (storage keeps the
// items a backup pins). The target is created CREATING and answered at once; the restore
// service copies the items in the background (restore_target.h). It takes the table's settings
// as saved with the backup, with the same overrides as RestoreTableToPointInTime, and its
// RestoreSummary names the backup, with the backup's creation time as RestoreDateTime.

#include "api/backup_description.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/restore_target.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteRestoreTableFromBackup(Context& ctx, const json::Value& req) {
  auto target_name = OptString(req, "TargetTableName");
  auto arn = OptString(req, "BackupArn");
  ValidationErrors errors;
  CheckTableName(target_name, "targetTableName", &errors, /*length_message=*/true);
  if (!arn) {
    errors.AddNull("backupArn");
  } else if (arn->size() < 37) {
    errors.Add(ValidationErrors::Quote(*arn), "backupArn",
               "Member must have length greater than or equal to 37");
  } else if (arn->size() > 1024) {
    errors.Add(ValidationErrors::Quote(*arn), "backupArn",
               "Member must have length less than or equal to 1024");
  }
  const RestoreOverrides overrides = ReadRestoreOverrides(req, &errors);
  errors.ThrowIfAny();
  CheckRestoreOverrides(overrides);

  // Found and pinned in one step: a DeleteBackup meanwhile cannot take the items away.
  std::shared_ptr<const storage::Storage::Snapshot> snapshot;
  auto pin = ctx.storage.PinSnapshot(*arn, &snapshot);
  Backup backup;
  if (!pin || !AsBackup(snapshot, &backup)) {
    throw ApiError::BackupNotFound("Backup not found: " + std::string(*arn));
  }
  CheckRestoreTarget(ctx, *target_name);

  RestoreOrigin origin;
  origin.source_id = snapshot->table.id;
  origin.as_of_us = snapshot->ts;
  origin.source_table_arn = TableArn(ctx.config, snapshot->table.name);
  origin.backup_arn = backup.arn();
  origin.restore_date_time_us = static_cast<uint64_t>(backup.record.creation_ms) * 1000;
  return CreateRestoredTable(ctx, *target_name, overrides, snapshot->table, origin, std::move(pin));
}

}  // namespace tideline::api
