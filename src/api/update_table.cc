// UpdateTable: billing mode, provisioned throughput, deletion protection, GSI Create / Update /
// Delete (index_updates.h) and enabling or disabling the table's stream (stream_specification.h).
// Replica and SSE updates are refused with a ValidationException until they are supported.

#include "api/index_definitions.h"
#include "api/index_transitions.h"
#include "api/index_updates.h"
#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/stream_specification.h"
#include "api/table_description.h"
#include "api/table_warm_throughput.h"
#include "api/tags.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

// DynamoDB's "nothing to update" message lists the members that could have been given, leaving
// out those the request has (live probes DDB-TABLE-015/359: an empty
// GlobalSecondaryIndexUpdates list is such a member).
[[noreturn]] void NothingToUpdate(const json::Value& req) {
  static const char* const kMembers[] = {"ProvisionedThroughput",
                                         "BillingMode",
                                         "UpdateStreamEnabled",
                                         "GlobalSecondaryIndexUpdates",
                                         "SSESpecification",
                                         "ReplicaUpdates",
                                         "MultiAccountReplicaReady",
                                         "ReplicaTransitRoleArn",
                                         "MultiRegionConsistency",
                                         "DeletionProtectionEnabled",
                                         "OnDemandThroughput",
                                         "WarmThroughput",
                                         "TableClass"};
  std::vector<std::string> missing;
  for (const char* member : kMembers) {
    if (!json::Find(req, member)) missing.emplace_back(member);
  }
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) {
    list += i == 0 ? "" : (i + 1 == missing.size() ? " or " : ", ");
    list += missing[i];
  }
  throw ApiError::Validation("At least one of " + list + " is required");
}

// A GSI whose ProvisionedThroughput or OnDemandThroughput changed is UPDATING for a moment
// while the table stays ACTIVE (spec indexes.md §5.5, live probes DDB-TABLE-148/159/165); a
// WarmThroughput increase leaves IndexStatus ACTIVE (DDB-TABLE-155).
void NoteThroughputUpdates(const storage::TableMeta& before, const storage::TableMeta& after) {
  for (const auto& index : after.indexes) {
    if (!index.global || index.status != "ACTIVE") continue;
    for (const auto& old : before.indexes) {
      if (old.id != index.id) continue;
      if (old.read_capacity != index.read_capacity || old.write_capacity != index.write_capacity ||
          old.max_read_request_units != index.max_read_request_units ||
          old.max_write_request_units != index.max_write_request_units) {
        NoteIndexUpdating(after.id, index.name);
      }
    }
  }
}

}  // namespace

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
  const TableWarmThroughputRequest warm = ReadTableWarmThroughput(req);
  std::vector<AttributeDefinition> definitions;
  if (const json::Value* defs = OptArray(req, "AttributeDefinitions"))
    definitions = ReadAttributeDefinitions(*defs, &errors);
  const json::Value* index_list = OptArray(req, "GlobalSecondaryIndexUpdates");
  std::optional<IndexUpdates> index_updates;
  if (index_list) index_updates = ReadIndexUpdates(*index_list, &errors);
  errors.ThrowIfAny();
  if (OptArray(req, "ReplicaUpdates") || OptObject(req, "SSESpecification")) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: ReplicaUpdates and SSESpecification are "
        "not supported by this server yet");
  }
  const bool index_changes = index_list && !index_list->Empty();
  if (!billing && !throughput && !protection && !stream && !index_changes && !warm.given)
    NothingToUpdate(req);
  // An empty list next to a real change fails the whole request (DDB-TABLE-359).
  if (index_list && index_list->Empty()) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: List of GlobalSecondaryIndexUpdates is "
        "empty");
  }
  const std::string message = TableNotFoundMessage(*name);
  auto table = FindRequestedTable(ctx, req);
  // A table a restore is still filling is CREATING: in use, as DeleteTable says (the wording
  // for UpdateTable is assumed to be the same).
  if (table->restore_in_progress) {
    throw ApiError::ResourceInUse(
        "Attempt to change a resource which is still in use: Table is being created: " +
        table->name);
  }
  storage::TableMeta meta = *table;
  const std::string mode = billing ? std::string(*billing) : meta.billing_mode;
  // Only a switch to on-demand may come with a stream change (ACK-lab DDB-TABLE-382/433).
  ApplyUpdateStreamSpecification(req, throughput || (billing && *billing == "PROVISIONED"), &meta);
  if (index_changes) {
    // A throughput given with a switch to PROVISIONED belongs to the switch, which may come
    // with a Create (DDB-TABLE-174); given alone it is a table IOPS update.
    CheckIndexUpdatesShape(*index_updates, throughput && mode == meta.billing_mode, stream,
                           protection.has_value(), OptObject(req, "WarmThroughput") != nullptr);
  }
  if (throughput || mode != meta.billing_mode) CheckNoIndexBeingDeleted(meta);
  const int64_t now = NowMillis();
  const std::string previous_mode = meta.billing_mode;
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
  ApplyBillingModeToIndexes(index_updates ? &*index_updates : nullptr, previous_mode, &meta, now);
  IndexWork work;
  if (index_changes) work = ApplyIndexUpdates(*index_updates, definitions, &meta, now);
  ApplyUpdateWarmThroughput(warm, &meta);
  if (protection) meta.deletion_protection = *protection;
  Status s = ctx.storage.UpdateTable(meta);
  if (s.IsNotFound()) throw ApiError::ResourceNotFound(message);
  if (!s.ok()) throw StatusError(s);
  NoteThroughputUpdates(*table, meta);
  if (work.backfill) s = ctx.storage.StartIndexBackfill(meta.id, *work.backfill);
  if (s.ok() && work.removal) s = ctx.storage.StartIndexRemoval(meta.id, *work.removal);
  if (!s.ok()) throw StatusError(s);
  // Described as stored now: the backfill or removal may already have moved the index on.
  auto stored = (work.backfill || work.removal) ? ctx.storage.FindTable(meta.name) : nullptr;
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableDescription");
  // DynamoDB answers an index Create or Delete with the table UPDATING; it is ACTIVE again on
  // the next DescribeTable here, as after AWS's resource allocation.
  // A stream being enabled or disabled is UPDATING too (3-5 s on AWS).
  WriteTableDescription(w, ctx, stored ? *stored : meta,
                        work.backfill || work.removal || stream ? "UPDATING" : "ACTIVE");
  return response.Finish();
}

}  // namespace tideline::api
