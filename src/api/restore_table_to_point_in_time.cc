// RestoreTableToPointInTime: a new table holding the items of a PITR-enabled table as they were
// at a moment of its recovery window. The target is created here, CREATING, and answered at once;
// the restore service copies the items in the background and turns it ACTIVE (see
// restore/restore_service.h). As on DynamoDB the target takes the source's key schema and
// capacity settings (or the overrides), its secondary indexes (or the index overrides:
// restore_index_overrides.h), and none of its tags, TTL or PITR settings.

#include "api/continuous_backups.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/restore_index_overrides.h"
#include "api/status_error.h"
#include "api/table_description.h"
#include "common/api_error.h"
#include "common/uuid.h"
#include "restore/restore_service.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteRestoreTableToPointInTime(Context& ctx, const json::Value& req) {
  auto source_name = OptString(req, "SourceTableName");
  auto source_arn = OptString(req, "SourceTableArn");
  auto target_name = OptString(req, "TargetTableName");
  auto use_latest = OptBool(req, "UseLatestRestorableTime");
  auto restore_time = OptTimestamp(req, "RestoreDateTime");
  auto billing = OptString(req, "BillingModeOverride");
  const json::Value* throughput = OptObject(req, "ProvisionedThroughputOverride");
  ValidationErrors errors;
  CheckTableName(target_name, "targetTableName", &errors, /*length_message=*/true);
  if (source_name) CheckTableName(source_name, "sourceTableName", &errors, true);
  if (source_arn && (source_arn->empty() || source_arn->size() > 1024)) {
    errors.Add(ValidationErrors::Quote(*source_arn), "sourceTableArn",
               "Member must have length between 1 and 1024");
  }
  if (billing && *billing != "PROVISIONED" && *billing != "PAY_PER_REQUEST") {
    errors.Add(ValidationErrors::Quote(*billing), "billingModeOverride",
               "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  int64_t rcu = 0, wcu = 0;
  ReadProvisionedThroughput(throughput, "provisionedThroughputOverride", &errors, &rcu, &wcu);
  const IndexOverrides index_overrides = ReadIndexOverrides(req, &errors);
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
  const bool on_demand = billing && *billing == "PAY_PER_REQUEST";
  if (on_demand && throughput) throw ThroughputWithPayPerRequest();

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
  if (ctx.storage.FindTable(*target_name)) {
    throw ApiError::TableAlreadyExists("Table already exists: " + std::string(*target_name));
  }
  if (!ctx.restores) throw ApiError::Internal("the restore service is not running");
  CheckTableQuota(ctx);

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

  storage::TableMeta meta;
  meta.name = std::string(*target_name);
  meta.table_uuid = NewUuid();
  meta.key_schema = source->key_schema;
  meta.attribute_definitions = source->attribute_definitions;
  meta.billing_mode = billing ? std::string(*billing) : source->billing_mode;
  if (meta.billing_mode == "PROVISIONED") {
    meta.read_capacity = throughput ? rcu : std::max<int64_t>(source->read_capacity, 1);
    meta.write_capacity = throughput ? wcu : std::max<int64_t>(source->write_capacity, 1);
  }
  SetRestoredIndexes(index_overrides, *source, billing.has_value(), &meta);
  meta.creation_time_ms = NowMillis();
  if (meta.billing_mode == "PAY_PER_REQUEST")
    meta.last_billing_mode_change_ms = meta.creation_time_ms;
  meta.restore_source_arn = TableArn(ctx.config, source->name);
  meta.restore_time_us = restore_us;
  meta.restore_in_progress = true;
  std::shared_ptr<const storage::TableMeta> created;
  Status s = ctx.storage.CreateTable(std::move(meta), &created);
  if (s.IsAlreadyExists()) {
    throw ApiError::TableAlreadyExists("Table already exists: " + std::string(*target_name));
  }
  if (!s.ok()) throw StatusError(s);

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableDescription");
  WriteTableDescription(w, ctx, *created);
  ctx.restores->Start(created, source->id, restore_us, std::move(pin));
  return response.Finish();
}

}  // namespace tideline::api
