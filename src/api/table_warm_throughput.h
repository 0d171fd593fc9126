#pragma once
// A table's WarmThroughput (CreateTable, UpdateTable and every TableDescription): the read and
// write units per second the table can serve at once. AWS's rules (developer guide "Understanding
// DynamoDB warm throughput"; the GSI facts of the shared spec's indexes.md §1.8, §2.1, §5.2):
// a new on-demand table starts at 12000/4000, a provisioned one at its provisioned capacity;
// the value is a high-water mark that a request may raise but never lower. Tideline does no
// pre-warming, so the Status is ACTIVE at once (AWS shows UPDATING while it pre-warms).

#include <cstdint>
#include <optional>
#include <utility>

#include "api/request.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

// The request's table-level WarmThroughput member.
struct TableWarmThroughputRequest {
  bool given = false;
  std::optional<int64_t> read_units;
  std::optional<int64_t> write_units;
};
TableWarmThroughputRequest ReadTableWarmThroughput(const json::Value& req);

// The table's warm throughput (read, write units per second).
std::pair<int64_t, int64_t> TableWarmThroughputOf(const storage::TableMeta& table);

// CreateTable: a WarmThroughput below what the table starts with anyway is refused.
void ApplyCreateWarmThroughput(const TableWarmThroughputRequest& warm, storage::TableMeta* table);
// UpdateTable (after the billing and throughput changes are applied to *table): a lower value is
// refused; an equal one is a no-op; a provisioned capacity increase raises the mark too.
void ApplyUpdateWarmThroughput(const TableWarmThroughputRequest& warm, storage::TableMeta* table);

// `"WarmThroughput":{"ReadUnitsPerSecond":..,"WriteUnitsPerSecond":..,"Status":"ACTIVE"}`, the
// shape of a table's and of a GSI's alike (api/index_description.cc writes the GSI's).
void WriteWarmThroughput(json::Writer& w, std::pair<int64_t, int64_t> read_write);
void WriteTableWarmThroughput(json::Writer& w, const storage::TableMeta& table);

}  // namespace tideline::api
