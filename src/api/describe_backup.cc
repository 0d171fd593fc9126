// DescribeBackup: a backup's details, its source table as it was at backup time
// (SourceTableDetails) and that table's features (SourceTableFeatureDetails). A backup outlives
// its table, so this answers for backups of deleted tables too.

#include "api/backup_description.h"
#include "api/operations.h"
#include "api/response_body.h"

namespace tideline::api {

std::string ExecuteDescribeBackup(Context& ctx, const json::Value& req) {
  const Backup backup = FindRequestedBackup(ctx, req);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("BackupDescription");
  // Durable before this answer leaves (the Router waits for it): AVAILABLE (create_backup.cc).
  WriteBackupDescription(w, ctx, backup, "AVAILABLE");
  return response.Finish();
}

}  // namespace tideline::api
