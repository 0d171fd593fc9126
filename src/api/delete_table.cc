#include "api/backup_description.h"
#include "api/index_transitions.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/table_description.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDeleteTable(Context& ctx, const json::Value& req) {
  auto table = FindRequestedTable(ctx, req);
  if (table->restore_in_progress) {
    throw ApiError::ResourceInUse(
        "Attempt to change a resource which is still in use: Table is being created: " +
        table->name);
  }
  // Index work in flight blocks a DeleteTable even while the table is ACTIVE (live probes
  // DDB-TABLE-149/150).
  for (const auto& index : table->indexes) {
    if (index.status != "ACTIVE" || (index.global && IndexUpdating(table->id, index.name))) {
      throw ApiError::ResourceInUse(
          "Attempt to change a resource which is still in use: Cannot delete table while "
          "indexes are being created, updated, or deleted.");
    }
  }
  if (table->deletion_protection) {
    throw ApiError::Validation(
        "Resource cannot be deleted as it is currently protected against "
        "deletion. Disable deletion protection first.");
  }
  // Describe before deleting: the response reports the table as DELETING.
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableDescription");
  WriteTableDescription(w, ctx, *table, "DELETING");
  // With PITR on, DynamoDB keeps the table as it was just before its deletion in a SYSTEM
  // backup for 35 days; it costs a snapshot here (storage keeps the items the backup pins).
  std::string system_backup;
  if (table->pitr_enabled) system_backup = CreateDeletedTableBackup(ctx, *table);
  Status s = ctx.storage.DeleteTable(table->name);
  if (!s.ok() && !system_backup.empty()) (void)ctx.storage.DeleteSnapshot(system_backup);
  if (s.IsNotFound()) {
    throw ApiError::ResourceNotFound(TableNotFoundMessage(*OptString(req, "TableName")));
  }
  if (!s.ok()) throw StatusError(s);
  return response.Finish();
}

}  // namespace tideline::api
