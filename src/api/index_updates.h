#pragma once
// UpdateTable's GlobalSecondaryIndexUpdates (Create / Update / Delete) and what a billing mode
// switch does to a table's GSIs, with DynamoDB's rules and messages (the shared spec's
// indexes.md §5). UpdateTable (update_table.cc) reads the request, then applies these to a copy
// of the table's catalog entry before storing it and starting the backfill or the removal.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/index_definitions.h"
#include "api/request.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

struct IndexUpdates {
  // A throughput change of an existing GSI.
  struct Update {
    std::string name;
    const json::Value* provisioned_throughput = nullptr;
    int64_t read_capacity = 0;
    int64_t write_capacity = 0;
    const json::Value* on_demand_throughput = nullptr;
    std::optional<int64_t> max_read_request_units;
    std::optional<int64_t> max_write_request_units;
    const json::Value* warm_throughput = nullptr;
    std::optional<int64_t> warm_read_units;
    std::optional<int64_t> warm_write_units;
  };
  struct Entry {
    int actions = 0;  // how many of Create, Update and Delete the entry had
    std::string index_name;
  };
  std::vector<Entry> entries;
  std::vector<IndexDefinition> creates;
  std::vector<Update> updates;
  std::vector<std::string> deletes;
};

// Reads the member constraints of GlobalSecondaryIndexUpdates into *errors.
IndexUpdates ReadIndexUpdates(const json::Value& list, ValidationErrors* errors);

// The rules that need no table: an entry without or with several actions, one index named
// twice, more than one Create or Delete, and the table changes no Create or Delete may join
// (a table throughput update, a stream change, deletion protection, table WarmThroughput).
void CheckIndexUpdatesShape(const IndexUpdates& updates, bool table_throughput, bool stream,
                            bool deletion_protection, bool warm_throughput);

// What the caller does once the catalog holds the new entry.
struct IndexWork {
  std::optional<uint32_t> backfill;  // StartIndexBackfill of this index id
  std::optional<uint32_t> removal;   // StartIndexRemoval of this index id
};

// Applies the updates to *table (the catalog entry as it will be, billing mode already set to
// `billing_mode`), with the request's AttributeDefinitions. Throws the first violation.
IndexWork ApplyIndexUpdates(const IndexUpdates& updates,
                            const std::vector<AttributeDefinition>& definitions,
                            storage::TableMeta* table, int64_t now_ms);

// A billing mode switch of a table with GSIs: to PAY_PER_REQUEST the GSIs lose their
// provisioned throughput (one decrease each, as AWS counts it); to PROVISIONED every GSI needs a
// throughput Update in the same request. Either way OnDemandThroughput is dropped. Call before
// ApplyIndexUpdates with the table's previous mode in `from`.
void ApplyBillingModeToIndexes(const IndexUpdates* updates, const std::string& from,
                               storage::TableMeta* table, int64_t now_ms);

// Throws the RIU DynamoDB answers when a table's throughput or billing mode changes while one
// of its GSIs is being deleted.
void CheckNoIndexBeingDeleted(const storage::TableMeta& table);

}  // namespace tideline::api
