#pragma once
// Secondary index definitions in requests: CreateTable's GlobalSecondaryIndexes and
// LocalSecondaryIndexes, UpdateTable's GlobalSecondaryIndexUpdates Create, and the index
// overrides of RestoreTableToPointInTime. Every rule DynamoDB applies to them, with its messages
// (the facts and their sources: the shared spec's indexes.md §1, §5.3, §5.4 and §6).
//
// Reading is in two steps, as DynamoDB checks them: the member constraints of the service model
// (lengths, patterns, enums, nulls) are collected into one "N validation errors detected"
// message with the rest of the request's; the semantic rules (key schemas against the table and
// the attribute definitions, projections, throughput by billing mode, limits) come after and
// throw the first violation.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/request.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

// One index as the request gave it, after the member constraints.
struct IndexDefinition {
  struct KeyElement {
    std::string name;
    std::string type;  // HASH or RANGE (anything else was a member-constraint error)
  };
  bool global = true;
  std::string name;
  std::vector<KeyElement> keys;
  std::optional<std::string> projection_type;  // nullopt: the Projection had none
  std::optional<std::vector<std::string>> non_key_attributes;
  const json::Value* provisioned_throughput = nullptr;
  int64_t read_capacity = 0;
  int64_t write_capacity = 0;
  const json::Value* on_demand_throughput = nullptr;
  std::optional<int64_t> max_read_request_units;
  std::optional<int64_t> max_write_request_units;
  const json::Value* warm_throughput = nullptr;
  std::optional<int64_t> warm_read_units;  // ReadUnitsPerSecond
  std::optional<int64_t> warm_write_units;
};

// A GSI's WarmThroughput on a PAY_PER_REQUEST table starts at these (the shared spec's
// indexes.md §2.1); on a PROVISIONED table, at the index's capacity.
constexpr int64_t kDefaultWarmReadUnits = 12000;
constexpr int64_t kDefaultWarmWriteUnits = 4000;
// The WarmThroughput of a GSI of `table` (read, write units per second): the high-water mark kept
// in the index, never below its starting point for the table's billing mode.
std::pair<int64_t, int64_t> WarmThroughputOf(const storage::TableMeta& table,
                                             const storage::IndexMeta& index);

// Reads a list of GlobalSecondaryIndex (global) or LocalSecondaryIndex objects at `path` (the
// message path, e.g. "globalSecondaryIndexes"), adding member-constraint violations to *errors.
std::vector<IndexDefinition> ReadIndexDefinitions(const json::Value& list, bool global,
                                                  const std::string& path,
                                                  ValidationErrors* errors);
// Reads one index object (an UpdateTable Create action) at `path` ("...member.create").
IndexDefinition ReadIndexDefinition(const json::Value& index, bool global, const std::string& path,
                                    ValidationErrors* errors);

// An attribute definition of a request, in request order.
struct AttributeDefinition {
  std::string name;
  std::string type;  // S, N or B
};

// Reads an AttributeDefinitions list (UpdateTable's) with its member constraints.
std::vector<AttributeDefinition> ReadAttributeDefinitions(const json::Value& list,
                                                          ValidationErrors* errors);

// CreateTable's semantic rules for the index lists (nullopt: the member was absent) of a table
// with key `table_keys` (validated already) and `definitions`. Throws the first violation.
// Checks the definitions against all key attributes too, since with indexes DynamoDB's message
// for an unused definition differs from the table-only one.
void ValidateCreateTableIndexes(const std::vector<IndexDefinition::KeyElement>& table_keys,
                                const std::vector<AttributeDefinition>& definitions, bool on_demand,
                                const std::optional<std::vector<IndexDefinition>>& locals,
                                const std::optional<std::vector<IndexDefinition>>& globals);

// UpdateTable's rules for a GSI Create on `table`: key schema and projection as CreateTable,
// the new key attributes defined by `definitions` (the request's, merged into the table's by
// the caller afterwards) with the table's types, throughput by the billing mode `billing_mode`
// the table will have. Throws the first violation.
void ValidateCreateGlobalIndex(const IndexDefinition& index, const storage::TableMeta& table,
                               const std::vector<AttributeDefinition>& definitions,
                               std::string_view billing_mode);

// The NonKeyAttributes limit over all of a table's indexes (100; the same attribute in two
// indexes counts twice).
void CheckProjectedAttributeTotal(const std::vector<storage::IndexMeta>& indexes);

// The catalog entry of a validated definition; key attribute types from `types`. The caller
// assigns the id.
storage::IndexMeta ToIndexMeta(const IndexDefinition& index,
                               const std::vector<std::pair<std::string, model::AvType>>& types,
                               bool on_demand);

// The key schema of an index as KeySchemaElements, in the order it was defined.
std::vector<IndexDefinition::KeyElement> IndexKeyElements(const storage::IndexMeta& index);

}  // namespace tideline::api
