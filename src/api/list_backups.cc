// ListBackups: the backups of the account, or of one table (TableName: a name or an ARN; a
// table that does not exist, or no longer does, is not an error: its backups, if any, are
// listed), filtered by creation time (TimeRangeLowerBound inclusive, TimeRangeUpperBound
// exclusive) and BackupType (USER by default, ALL for every type). Backups are listed oldest
// first, ties broken by ARN: ⚠ AWS documents no order and none is recorded (the CLI's example
// lists one backup); creation order makes pages stable while backups are added. (AWS is
// reported to leave AWS Backup's backups out even for BackupType ALL or AWS_BACKUP, boto3#3523;
// Tideline makes none.) Pages: Limit (1..100) entries; LastEvaluatedBackupArn is present if and
// only if more remain, and ExclusiveStartBackupArn resumes after it, even if that backup was
// deleted meanwhile (its ARN carries its creation time).

#include <algorithm>
#include <tuple>
#include <vector>

#include "api/backup_description.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

void CheckLength(std::optional<std::string_view> value, std::string_view path, size_t min,
                 size_t max, ValidationErrors* errors) {
  if (!value) return;
  if (value->size() < min) {
    errors->Add(ValidationErrors::Quote(*value), path,
                "Member must have length greater than or equal to " + std::to_string(min));
  } else if (value->size() > max) {
    errors->Add(ValidationErrors::Quote(*value), path,
                "Member must have length less than or equal to " + std::to_string(max));
  }
}

bool Before(const Backup& a, const Backup& b) {
  return std::tie(a.record.creation_ms, a.arn()) < std::tie(b.record.creation_ms, b.arn());
}

}  // namespace

std::string ExecuteListBackups(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  auto limit = OptInteger(req, "Limit");
  auto lower = OptTimestamp(req, "TimeRangeLowerBound");
  auto upper = OptTimestamp(req, "TimeRangeUpperBound");
  auto start_arn = OptString(req, "ExclusiveStartBackupArn");
  auto type = OptString(req, "BackupType");
  ValidationErrors errors;
  CheckLength(table_name, "tableName", 1, 1024, &errors);
  if (limit && *limit < 1) {
    errors.Add(ValidationErrors::Quote(std::to_string(*limit)), "limit",
               "Member must have value greater than or equal to 1");
  } else if (limit && *limit > 100) {
    errors.Add(ValidationErrors::Quote(std::to_string(*limit)), "limit",
               "Member must have value less than or equal to 100");
  }
  CheckLength(start_arn, "exclusiveStartBackupArn", 37, 1024, &errors);
  if (type && *type != "USER" && *type != "SYSTEM" && *type != "AWS_BACKUP" && *type != "ALL") {
    errors.Add(ValidationErrors::Quote(*type), "backupType",
               "Member must satisfy enum value set: [USER, SYSTEM, AWS_BACKUP, ALL]");
  }
  errors.ThrowIfAny();

  // Where a previous page ended: the backup of that ARN, present or not.
  std::optional<Backup> after;
  if (start_arn) {
    auto ms = BackupArnMillis(*start_arn);
    if (!ms) {
      // ⚠ AWS's answer to an ARN that is not a backup's is unknown.
      throw ApiError::Validation("Invalid ExclusiveStartBackupArn: " + std::string(*start_arn));
    }
    after.emplace();
    after->record.creation_ms = *ms;
    auto marker = std::make_shared<storage::Storage::Snapshot>();
    marker->name = std::string(*start_arn);
    after->snapshot = std::move(marker);
  }
  const std::string table =
      table_name ? TableNameFromNameOrArn(ctx.config, *table_name) : std::string();
  const std::string_view wanted_type = type ? *type : "USER";

  std::vector<Backup> listed;
  for (Backup& backup : LiveBackups(ctx)) {
    if (table_name && backup.snapshot->table.name != table) continue;
    if (wanted_type != "ALL" && backup.record.type != wanted_type) continue;
    const double created_s = static_cast<double>(backup.record.creation_ms) / 1000.0;
    if (lower && created_s < *lower) continue;
    if (upper && created_s >= *upper) continue;
    if (after && !Before(*after, backup)) continue;
    listed.push_back(std::move(backup));
  }
  std::sort(listed.begin(), listed.end(), Before);
  const size_t page = limit ? static_cast<size_t>(*limit) : listed.size();

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("BackupSummaries");
  w.StartArray();
  for (size_t i = 0; i < std::min(page, listed.size()); ++i) WriteBackupSummary(w, ctx, listed[i]);
  w.EndArray();
  if (listed.size() > page) {
    w.Key("LastEvaluatedBackupArn");
    json::WriteString(w, listed[page - 1].arn());
  }
  return response.Finish();
}

}  // namespace tideline::api
