#include "api/index_description.h"

#include <algorithm>

#include "api/index_definitions.h"
#include "api/index_transitions.h"
#include "api/request.h"
#include "api/table_warm_throughput.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

const char* ProjectionTypeName(storage::IndexMeta::Projection projection) {
  switch (projection) {
    case storage::IndexMeta::Projection::kAll:
      return "ALL";
    case storage::IndexMeta::Projection::kKeysOnly:
      return "KEYS_ONLY";
    case storage::IndexMeta::Projection::kInclude:
      return "INCLUDE";
  }
  return "ALL";
}

void WriteIndexKeySchema(json::Writer& w, const storage::IndexMeta& index) {
  w.Key("KeySchema");
  w.StartArray();
  for (const auto& k : IndexKeyElements(index)) {
    w.StartObject();
    w.Key("AttributeName");
    json::WriteString(w, k.name);
    w.Key("KeyType");
    json::WriteString(w, k.type);
    w.EndObject();
  }
  w.EndArray();
}

void WriteProjection(json::Writer& w, const storage::IndexMeta& index) {
  w.Key("Projection");
  w.StartObject();
  w.Key("ProjectionType");
  w.String(ProjectionTypeName(index.projection));
  if (index.projection == storage::IndexMeta::Projection::kInclude) {
    // DynamoDB lists them sorted by name whatever the request's order (live probe DDB-TABLE-125).
    std::vector<std::string> names = index.non_key_attributes;
    std::sort(names.begin(), names.end());
    w.Key("NonKeyAttributes");
    w.StartArray();
    for (const auto& name : names) json::WriteString(w, name);
    w.EndArray();
  }
  w.EndObject();
}

void WriteThroughput(json::Writer& w, const storage::IndexMeta& index) {
  w.Key("ProvisionedThroughput");
  w.StartObject();
  if (index.last_throughput_increase_ms) {
    w.Key("LastIncreaseDateTime");
    WriteTimestamp(w, index.last_throughput_increase_ms);
  }
  if (index.last_throughput_decrease_ms) {
    w.Key("LastDecreaseDateTime");
    WriteTimestamp(w, index.last_throughput_decrease_ms);
  }
  w.Key("NumberOfDecreasesToday");
  w.Int64(index.throughput_decreases_today);
  w.Key("ReadCapacityUnits");
  w.Int64(index.read_capacity);
  w.Key("WriteCapacityUnits");
  w.Int64(index.write_capacity);
  w.EndObject();
}

void WriteOnDemandThroughput(json::Writer& w, const storage::IndexMeta& index) {
  if (!index.max_read_request_units && !index.max_write_request_units) return;
  w.Key("OnDemandThroughput");
  w.StartObject();
  if (index.max_read_request_units) {
    w.Key("MaxReadRequestUnits");
    w.Int64(index.max_read_request_units);
  }
  if (index.max_write_request_units) {
    w.Key("MaxWriteRequestUnits");
    w.Int64(index.max_write_request_units);
  }
  w.EndObject();
}

void WriteIndex(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                const storage::IndexMeta& index, bool warm_throughput) {
  const storage::TableStats stats = ctx.storage.IndexStats(table.id, index.id);
  w.StartObject();
  w.Key("IndexName");
  json::WriteString(w, index.name);
  WriteIndexKeySchema(w, index);
  WriteProjection(w, index);
  if (index.global) {
    w.Key("IndexStatus");
    // An ACTIVE index whose throughput was just changed shows UPDATING for a moment
    // (index_transitions.h).
    const bool updating = index.status == "ACTIVE" && IndexUpdating(table.id, index.name);
    json::WriteString(w, updating ? std::string_view("UPDATING") : index.status);
    // Present only while an index UpdateTable added is CREATING; removed, not set to false,
    // once it is ACTIVE (live probe DDB-TABLE-138). Tideline has no resource-allocation phase,
    // so a CREATING index is backfilling from the start.
    if (index.status == "CREATING" && index.backfilling) {
      w.Key("Backfilling");
      w.Bool(true);
    }
    WriteThroughput(w, index);
  }
  w.Key("IndexSizeBytes");
  w.Int64(stats.size_bytes);
  w.Key("ItemCount");
  w.Int64(stats.item_count);
  w.Key("IndexArn");
  json::WriteString(w, TableArn(ctx.config, table.name) + "/index/" + index.name);
  if (index.global) WriteOnDemandThroughput(w, index);
  // Always in DescribeTable (spec indexes.md §2.1): Tideline does no pre-warming, so what was
  // asked for is ACTIVE at once.
  if (index.global && warm_throughput) WriteWarmThroughput(w, WarmThroughputOf(table, index));
  w.EndObject();
}

}  // namespace

void WriteIndexDescriptions(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                            bool warm_throughput) {
  for (const bool global : {false, true}) {
    bool any = false;
    for (const auto& index : table.indexes) any |= index.global == global;
    if (!any) continue;
    w.Key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    w.StartArray();
    for (const auto& index : table.indexes) {
      if (index.global == global) WriteIndex(w, ctx, table, index, warm_throughput);
    }
    w.EndArray();
  }
}

void WriteIndexInfos(json::Writer& w, const storage::TableMeta& table) {
  for (const bool global : {false, true}) {
    auto listed = [&](const storage::IndexMeta& index) {
      return index.global == global && index.status != "DELETING";
    };
    if (std::none_of(table.indexes.begin(), table.indexes.end(), listed)) continue;
    w.Key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    w.StartArray();
    for (const auto& index : table.indexes) {
      if (!listed(index)) continue;
      w.StartObject();
      w.Key("IndexName");
      json::WriteString(w, index.name);
      WriteIndexKeySchema(w, index);
      WriteProjection(w, index);
      if (global) {
        w.Key("ProvisionedThroughput");
        w.StartObject();
        w.Key("ReadCapacityUnits");
        w.Int64(index.read_capacity);
        w.Key("WriteCapacityUnits");
        w.Int64(index.write_capacity);
        w.EndObject();
        WriteOnDemandThroughput(w, index);
      }
      w.EndObject();
    }
    w.EndArray();
  }
}

}  // namespace tideline::api
