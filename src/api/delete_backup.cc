// DeleteBackup: releases a backup's snapshot. The versions only it kept become collectable
// (history collection drops them at the next compaction of their files), and when its table was
// deleted and no other backup of it remains, the table's items are removed with it. The answer
// is the backup's description with BackupStatus DELETED; afterwards it is not found.

#include "api/backup_description.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDeleteBackup(Context& ctx, const json::Value& req) {
  const Backup backup = FindRequestedBackup(ctx, req);
  for (const auto& table : ctx.storage.ListTables()) {
    if (table->restore_in_progress && table->restore_backup_arn == backup.arn()) {
      // A restore reading it (it would still finish: it holds its own pin). ⚠ AWS's text is
      // unknown; the model's documentation of the error: "The backup is either being created,
      // deleted or restored to a table."
      throw ApiError::BackupInUse("Backup is being restored to table " + table->name + ": " +
                                  backup.arn());
    }
  }
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("BackupDescription");
  WriteBackupDescription(w, ctx, backup, "DELETED");
  Status s = ctx.storage.DeleteSnapshot(backup.arn());
  if (s.IsNotFound()) throw ApiError::BackupNotFound("Backup not found: " + backup.arn());
  if (!s.ok()) throw StatusError(s);
  return response.Finish();
}

}  // namespace tideline::api
