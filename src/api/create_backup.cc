// CreateBackup: an on-demand backup of a table, taken without copying it. Storage pins the
// table's versions visible at the request's commit time, durably, with the table's metadata and
// statistics of that instant (Storage::CreateSnapshot): it takes microseconds whatever the table
// holds, and holds space only for the versions later writes supersede.
//
// Status: the answer is composed before the snapshot's write is durable (the Router makes it
// durable before sending any answer), so it says CREATING, as DynamoDB's first answer does; once
// durable the backup is AVAILABLE, which every later answer shows.

#include "api/backup_description.h"
#include "api/continuous_backups.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "common/clock.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

void CheckBackupName(std::optional<std::string_view> name, ValidationErrors* errors) {
  if (!name) return errors->AddNull("backupName");
  const std::string quoted = ValidationErrors::Quote(*name);
  if (name->size() < 3) {
    errors->Add(quoted, "backupName", "Member must have length greater than or equal to 3");
  } else if (name->size() > 255) {
    errors->Add(quoted, "backupName", "Member must have length less than or equal to 255");
  }
  for (char c : *name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!allowed) {
      errors->Add(quoted, "backupName",
                  "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
      break;
    }
  }
}

}  // namespace

std::string ExecuteCreateBackup(Context& ctx, const json::Value& req) {
  auto backup_name = OptString(req, "BackupName");
  ValidationErrors errors;
  CheckBackupName(backup_name, &errors);
  errors.ThrowIfAny();
  // TableName (a name or an ARN) is validated here: TableNotFoundException "Table not found:".
  auto table = FindTableForBackups(ctx, req);
  if (table->restore_in_progress) {
    // ⚠ AWS's text is unknown; the model documents the error as "A target table with the
    // specified name is either being created or deleted."
    throw ApiError::TableInUse("Table is being created: " + table->name);
  }

  BackupRecord record;
  record.name = std::string(*backup_name);
  record.creation_ms = NowMillis();
  std::shared_ptr<const storage::Storage::Snapshot> snapshot;
  Status s;
  // The 8 random hex digits make a clash of two backups of one table in one millisecond
  // unlikely; a clash draws again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    s = ctx.storage.CreateSnapshot(table->name,
                                   NewBackupArn(ctx.config, table->name, record.creation_ms),
                                   SerializeBackupRecord(record), &snapshot);
    if (!s.IsAlreadyExists()) break;
  }
  if (s.IsNotFound()) throw ApiError::TableNotFound("Table not found: " + table->name);
  if (!s.ok()) throw StatusError(s);
  Backup backup;
  if (!AsBackup(snapshot, &backup)) throw ApiError::Internal("unreadable backup record");

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("BackupDetails");
  WriteBackupDetails(w, backup,
                     ctx.storage.IsDurable(ctx.storage.Fence()) ? "AVAILABLE" : "CREATING");
  return response.Finish();
}

}  // namespace tideline::api
