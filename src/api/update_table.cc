// UpdateTable: billing mode, provisioned throughput and deletion protection. Index, stream and
// replica updates are refused with a ValidationException until they are supported.

#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/stream_specification.h"
#include "api/table_description.h"
#include "api/tags.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteUpdateTable(Context& ctx, const json::Value& req) {
  auto name = OptString(req, "TableName");
  auto billing = OptString(req, "BillingMode");
  const json::Value* throughput = OptObject(req, "ProvisionedThroughput");
  auto protection = OptBool(req, "DeletionProtectionEnabled");
  ValidationErrors errors;
  CheckTableNameOrArn(name, "tableName", &errors);
  if (billing && *billing != "PROVISIONED" && *billing != "PAY_PER_REQUEST") {
    errors.Add(ValidationErrors::Quote(*billing), "billingMode",
               "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  }
  int64_t rcu = 0, wcu = 0;
  ReadProvisionedThroughput(throughput, "provisionedThroughput", &errors, &rcu, &wcu);
  const bool stream = ReadStreamSpecification(req, &errors);
  errors.ThrowIfAny();
  if (OptArray(req, "GlobalSecondaryIndexUpdates") || OptArray(req, "ReplicaUpdates") ||
      OptObject(req, "SSESpecification")) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: GlobalSecondaryIndexUpdates, "
        "ReplicaUpdates and SSESpecification are not supported by this server yet");
  }
  RefuseEnabledStream(req);
  if (!billing && !throughput && !protection && !stream) {
    throw ApiError::Validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  const std::string message = TableNotFoundMessage(*name);
  auto table = FindTableOrThrow(ctx, *name, message.c_str());
  storage::TableMeta meta = *table;
  const std::string mode = billing ? std::string(*billing) : meta.billing_mode;
  const int64_t now = NowMillis();
  if (mode == "PAY_PER_REQUEST") {
    if (throughput) throw ThroughputWithPayPerRequest();
    if (meta.billing_mode != mode) {
      meta.billing_mode = mode;
      meta.read_capacity = meta.write_capacity = 0;
      meta.last_billing_mode_change_ms = now;
    }
  } else {
    if (meta.billing_mode != mode && !throughput) {
      throw ApiError::Validation(
          "One or more parameter values were invalid: ProvisionedThroughput must be specified "
          "when BillingMode is PROVISIONED");
    }
    if (throughput) {
      if (meta.billing_mode == mode && rcu == meta.read_capacity && wcu == meta.write_capacity) {
        throw ApiError::Validation(
            "The provisioned throughput for the table will not change. The requested value "
            "equals the current value. Current ReadCapacityUnits provisioned for the table: " +
            std::to_string(meta.read_capacity) + ". Requested ReadCapacityUnits: " +
            std::to_string(rcu) + ". Current WriteCapacityUnits provisioned for the table: " +
            std::to_string(meta.write_capacity) +
            ". Requested WriteCapacityUnits: " + std::to_string(wcu) +
            ". Refer to the Amazon DynamoDB Developer Guide for current "
            "limits and how to request higher limits.");
      }
      if (rcu > meta.read_capacity || wcu > meta.write_capacity)
        meta.last_throughput_increase_ms = now;
      if (meta.billing_mode == mode && (rcu < meta.read_capacity || wcu < meta.write_capacity)) {
        meta.last_throughput_decrease_ms = now;
        ++meta.throughput_decreases_today;
      }
      meta.read_capacity = rcu;
      meta.write_capacity = wcu;
    }
    if (meta.billing_mode != mode) {
      meta.billing_mode = mode;
      meta.last_billing_mode_change_ms = now;
    }
  }
  if (protection) meta.deletion_protection = *protection;
  Status s = ctx.storage.UpdateTable(meta);
  if (s.IsNotFound()) throw ApiError::ResourceNotFound(message);
  if (!s.ok()) throw StatusError(s);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableDescription");
  WriteTableDescription(w, ctx, meta);
  return response.Finish();
}

}  // namespace tideline::api
