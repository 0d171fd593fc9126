#include "api/table_description.h"

#include "api/index_description.h"
#include "api/request.h"
#include "api/table_warm_throughput.h"
#include "model/key_codec.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

void WriteKeySchema(json::Writer& w, const model::KeySchema& schema) {
  w.Key("KeySchema");
  w.StartArray();
  w.StartObject();
  w.Key("AttributeName");
  json::WriteString(w, schema.hash_name);
  w.Key("KeyType");
  w.String("HASH");
  w.EndObject();
  if (schema.has_range()) {
    w.StartObject();
    w.Key("AttributeName");
    json::WriteString(w, schema.range_name);
    w.Key("KeyType");
    w.String("RANGE");
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

void WriteTableKeySchema(json::Writer& w, const storage::TableMeta& table) {
  WriteKeySchema(w, table.key_schema);
}

void WriteTableDescription(json::Writer& w, Context& ctx, const storage::TableMeta& t,
                           std::string_view status, bool index_warm_throughput) {
  const storage::TableStats stats = ctx.storage.Stats(t.id);
  // A table a restore is still filling is CREATING, as on DynamoDB.
  if (status == "ACTIVE" && t.restore_in_progress) status = "CREATING";
  // DeleteTable's description leaves out the schema and the creation time (DynamoDB's does:
  // test_delete_table.py test_description_shape).
  const bool deleting = status == "DELETING";
  w.StartObject();
  if (!deleting) {
    w.Key("AttributeDefinitions");
    w.StartArray();
    for (const auto& [name, type] : t.attribute_definitions) {
      w.StartObject();
      w.Key("AttributeName");
      json::WriteString(w, name);
      w.Key("AttributeType");
      w.String(model::AvTypeName(type));
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("TableName");
  json::WriteString(w, t.name);
  if (!deleting) WriteKeySchema(w, t.key_schema);
  w.Key("TableStatus");
  json::WriteString(w, status);
  if (!deleting) {
    w.Key("CreationDateTime");
    WriteTimestamp(w, t.creation_time_ms);
  }
  w.Key("ProvisionedThroughput");
  w.StartObject();
  if (t.last_throughput_increase_ms) {
    w.Key("LastIncreaseDateTime");
    WriteTimestamp(w, t.last_throughput_increase_ms);
  }
  if (t.last_throughput_decrease_ms) {
    w.Key("LastDecreaseDateTime");
    WriteTimestamp(w, t.last_throughput_decrease_ms);
  }
  w.Key("NumberOfDecreasesToday");
  w.Int64(t.throughput_decreases_today);
  w.Key("ReadCapacityUnits");
  w.Int64(t.read_capacity);
  w.Key("WriteCapacityUnits");
  w.Int64(t.write_capacity);
  w.EndObject();
  w.Key("TableSizeBytes");
  w.Int64(deleting ? 0 : stats.size_bytes);
  w.Key("ItemCount");
  w.Int64(deleting ? 0 : stats.item_count);
  w.Key("TableArn");
  json::WriteString(w, TableArn(ctx.config, t.name));
  w.Key("TableId");
  json::WriteString(w, t.table_uuid);
  w.Key("BillingModeSummary");
  w.StartObject();
  w.Key("BillingMode");
  json::WriteString(w, t.billing_mode);
  if (t.billing_mode == "PAY_PER_REQUEST") {
    w.Key("LastUpdateToPayPerRequestDateTime");
    WriteTimestamp(
        w, t.last_billing_mode_change_ms ? t.last_billing_mode_change_ms : t.creation_time_ms);
  }
  w.EndObject();
  // A DELETING table's description carries no index information (TableDescription's doc).
  if (!deleting) WriteTableWarmThroughput(w, t);
  if (!deleting) WriteIndexDescriptions(w, ctx, t, index_warm_throughput);
  if (!t.restore_source_arn.empty()) {
    w.Key("RestoreSummary");
    w.StartObject();
    if (!t.restore_backup_arn.empty()) {
      w.Key("SourceBackupArn");
      json::WriteString(w, t.restore_backup_arn);
    }
    w.Key("SourceTableArn");
    json::WriteString(w, t.restore_source_arn);
    w.Key("RestoreDateTime");
    WriteTimestamp(w, static_cast<int64_t>(t.restore_time_us / 1000));
    w.Key("RestoreInProgress");
    w.Bool(t.restore_in_progress);
    w.EndObject();
  }
  // A disabled stream shows no StreamSpecification, but stays the latest stream
  // (shared/spec/streams-ttl.md §1.4).
  if (!t.stream_view_type.empty()) {
    w.Key("StreamSpecification");
    w.StartObject();
    w.Key("StreamEnabled");
    w.Bool(true);
    w.Key("StreamViewType");
    json::WriteString(w, t.stream_view_type);
    w.EndObject();
  }
  if (!t.stream_label.empty()) {
    w.Key("LatestStreamLabel");
    json::WriteString(w, t.stream_label);
    w.Key("LatestStreamArn");
    json::WriteString(w, StreamArn(ctx.config, t.name, t.stream_label));
  }
  w.Key("DeletionProtectionEnabled");
  w.Bool(t.deletion_protection);
  w.EndObject();
}

}  // namespace tideline::api
