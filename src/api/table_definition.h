#pragma once
// The table a CreateTable request defines (and ImportTable's TableCreationParameters, which
// take the same members less LSIs, tags and streams): key schema, attribute definitions,
// billing and throughput, secondary indexes. Read in DynamoDB's two steps: the member
// constraints are collected with the rest of the request's (ReadTableDefinition), then the
// semantic rules throw the first violation (CheckBillingRules, then BuildTableMeta).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/index_definitions.h"
#include "api/request.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

struct TableDefinition {
  struct KeyElement {
    std::string name;
    std::string type;
  };
  std::optional<std::string_view> name;
  std::vector<KeyElement> definitions;
  std::vector<KeyElement> keys;
  std::optional<std::string_view> billing;
  const json::Value* throughput = nullptr;
  int64_t rcu = 0;
  int64_t wcu = 0;
  std::optional<std::vector<IndexDefinition>> locals, globals;
};

// Reads the members of `params` with their constraints; message paths start with `path_prefix`
// ("" for CreateTable, "tableCreationParameters." for ImportTable). `local_indexes`: the
// request may carry LocalSecondaryIndexes.
TableDefinition ReadTableDefinition(const json::Value& params, const std::string& path_prefix,
                                    bool local_indexes, ValidationErrors* errors);

// Billing mode against ProvisionedThroughput (throws DynamoDB's ValidationException).
void CheckBillingRules(const TableDefinition& def);

// The key schema, the definitions and the indexes against one another (throws), and the
// catalog entry of the table: name, fresh TableId, keys, indexes, billing, creation time.
storage::TableMeta BuildTableMeta(const TableDefinition& def);

}  // namespace tideline::api
