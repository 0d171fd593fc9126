#include "api/table_warm_throughput.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "api/index_definitions.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {

const char kInvalid[] = "One or more parameter values were invalid: ";

}  // namespace

TableWarmThroughputRequest ReadTableWarmThroughput(const json::Value& req) {
  TableWarmThroughputRequest out;
  const json::Value* warm = OptObject(req, "WarmThroughput");
  if (!warm) return out;
  out.given = true;
  out.read_units = OptInt(*warm, "ReadUnitsPerSecond");
  out.write_units = OptInt(*warm, "WriteUnitsPerSecond");
  return out;
}

std::pair<int64_t, int64_t> TableWarmThroughputOf(const storage::TableMeta& table) {
  const bool on_demand = table.billing_mode == "PAY_PER_REQUEST";
  return {
      std::max(table.warm_read_units, on_demand ? kDefaultWarmReadUnits : table.read_capacity),
      std::max(table.warm_write_units, on_demand ? kDefaultWarmWriteUnits : table.write_capacity)};
}

void ApplyCreateWarmThroughput(const TableWarmThroughputRequest& warm, storage::TableMeta* table) {
  if (!warm.given) return;
  const bool on_demand = table->billing_mode == "PAY_PER_REQUEST";
  // ⚠ AWS's text for a table is not recorded: the GSI's (live probe DDB-TABLE-128) without
  // "for index <name>" is assumed.
  const std::tuple<const char*, const std::optional<int64_t>*, int64_t, const char*, int64_t*>
      asked[] = {{"ReadUnitsPerSecond", &warm.read_units,
                  on_demand ? kDefaultWarmReadUnits : table->read_capacity, "ReadCapacityUnits",
                  &table->warm_read_units},
                 {"WriteUnitsPerSecond", &warm.write_units,
                  on_demand ? kDefaultWarmWriteUnits : table->write_capacity, "WriteCapacityUnits",
                  &table->warm_write_units}};
  for (const auto& [member, value, floor, capacity, kept] : asked) {
    if (!value->has_value()) continue;
    if (**value < floor) {
      throw ApiError::Validation(std::string(kInvalid) + "Requested " + member +
                                 " for WarmThroughput is lower than " +
                                 (on_demand ? std::string("initial throughput for OnDemand")
                                            : std::string(capacity) + " of ProvisionedThroughput"));
    }
    *kept = **value;
  }
}

void ApplyUpdateWarmThroughput(const TableWarmThroughputRequest& warm, storage::TableMeta* table) {
  // The mark follows a provisioned increase (a decrease leaves it).
  table->warm_read_units = std::max(table->warm_read_units, table->read_capacity);
  table->warm_write_units = std::max(table->warm_write_units, table->write_capacity);
  if (!warm.given) return;
  const auto [read, write] = TableWarmThroughputOf(*table);
  // ⚠ The GSI's text (live probe DDB-TABLE-155) without "for index <name>" is assumed.
  const std::tuple<const char*, const std::optional<int64_t>*, int64_t, int64_t*> asked[] = {
      {"ReadUnitsPerSecond", &warm.read_units, read, &table->warm_read_units},
      {"WriteUnitsPerSecond", &warm.write_units, write, &table->warm_write_units}};
  for (const auto& [member, value, current, kept] : asked) {
    if (value->has_value() && **value < current) {
      throw ApiError::Validation(std::string(kInvalid) + "Requested " + member +
                                 " for WarmThroughput is lower than current WarmThroughput, "
                                 "decreasing WarmThroughput is not supported");
    }
  }
  for (const auto& [member, value, current, kept] : asked) {
    if (value->has_value()) *kept = std::max(current, **value);
  }
}

void WriteWarmThroughput(json::Writer& w, std::pair<int64_t, int64_t> read_write) {
  const auto [read, write] = read_write;
  w.Key("WarmThroughput");
  w.StartObject();
  w.Key("ReadUnitsPerSecond");
  w.Int64(read);
  w.Key("WriteUnitsPerSecond");
  w.Int64(write);
  w.Key("Status");
  w.String("ACTIVE");
  w.EndObject();
}

void WriteTableWarmThroughput(json::Writer& w, const storage::TableMeta& table) {
  WriteWarmThroughput(w, TableWarmThroughputOf(table));
}

}  // namespace tideline::api
