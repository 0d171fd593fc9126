#include "api/restore_target.h"

#include <algorithm>

#include "api/response_body.h"
#include "api/status_error.h"
#include "api/table_description.h"
#include "common/api_error.h"
#include "common/uuid.h"
#include "restore/restore_service.h"

namespace tideline::api {

RestoreOverrides ReadRestoreOverrides(const json::Value& req, ValidationErrors* errors) {
  RestoreOverrides out;
  out.billing = OptString(req, "BillingModeOverride");
  out.throughput = OptObject(req, "ProvisionedThroughputOverride");
  if (out.billing && *out.billing != "PROVISIONED" && *out.billing != "PAY_PER_REQUEST") {
    errors->Add(ValidationErrors::Quote(*out.billing), "billingModeOverride",
                "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  ReadProvisionedThroughput(out.throughput, "provisionedThroughputOverride", errors, &out.rcu,
                            &out.wcu);
  out.indexes = ReadIndexOverrides(req, errors);
  return out;
}

void CheckRestoreOverrides(const RestoreOverrides& overrides) {
  const bool on_demand = overrides.billing && *overrides.billing == "PAY_PER_REQUEST";
  if (on_demand && overrides.throughput) throw ThroughputWithPayPerRequest();
}

void CheckRestoreTarget(Context& ctx, std::string_view target_name) {
  if (ctx.storage.FindTable(target_name)) {
    throw ApiError::TableAlreadyExists("Table already exists: " + std::string(target_name));
  }
  if (!ctx.restores) throw ApiError::Internal("the restore service is not running");
  CheckTableQuota(ctx);
}

std::string CreateRestoredTable(Context& ctx, std::string_view target_name,
                                const RestoreOverrides& overrides, const storage::TableMeta& source,
                                const RestoreOrigin& origin,
                                std::shared_ptr<storage::Storage::HistoryPin> pin) {
  storage::TableMeta meta;
  meta.name = std::string(target_name);
  meta.table_uuid = NewUuid();
  meta.key_schema = source.key_schema;
  meta.attribute_definitions = source.attribute_definitions;
  meta.billing_mode = overrides.billing ? std::string(*overrides.billing) : source.billing_mode;
  if (meta.billing_mode == "PROVISIONED") {
    meta.read_capacity =
        overrides.throughput ? overrides.rcu : std::max<int64_t>(source.read_capacity, 1);
    meta.write_capacity =
        overrides.throughput ? overrides.wcu : std::max<int64_t>(source.write_capacity, 1);
  }
  SetRestoredIndexes(overrides.indexes, source, overrides.billing.has_value(), &meta);
  meta.creation_time_ms = NowMillis();
  if (meta.billing_mode == "PAY_PER_REQUEST")
    meta.last_billing_mode_change_ms = meta.creation_time_ms;
  meta.restore_source_arn = origin.source_table_arn;
  meta.restore_backup_arn = origin.backup_arn;
  meta.restore_time_us = origin.restore_date_time_us;
  meta.restore_in_progress = true;
  std::shared_ptr<const storage::TableMeta> created;
  Status s = ctx.storage.CreateTable(std::move(meta), &created);
  if (s.IsAlreadyExists()) {
    throw ApiError::TableAlreadyExists("Table already exists: " + std::string(target_name));
  }
  if (!s.ok()) throw StatusError(s);

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableDescription");
  WriteTableDescription(w, ctx, *created);
  ctx.restores->Start(created, origin.source_id, origin.as_of_us, std::move(pin));
  return response.Finish();
}

}  // namespace tideline::api
