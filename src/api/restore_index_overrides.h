#pragma once
// The secondary indexes of a table RestoreTableToPointInTime creates: the source's by default,
// or the subset GlobalSecondaryIndexOverride / LocalSecondaryIndexOverride select (each entry
// must match a source index by key schema and projection, and may rename it; "[]" keeps none).
// Rules and messages: the shared spec's indexes.md §6. The items of the indexes are rebuilt by
// the restore itself (storage keeps every index of a table exact as items are written).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/index_definitions.h"
#include "api/request.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

struct IndexOverrides {
  std::optional<std::vector<IndexDefinition>> globals;
  std::optional<std::vector<IndexDefinition>> locals;
};

// Reads both override members with their member constraints (as CreateTable's index lists).
IndexOverrides ReadIndexOverrides(const json::Value& req, ValidationErrors* errors);

// Fills target->indexes, next_index_id and attribute_definitions (the source's, less those no
// key of the target uses) from `source` and the overrides; target->billing_mode is set already,
// `billing_overridden` says whether the request chose it. Throws the first violation.
void SetRestoredIndexes(const IndexOverrides& overrides, const storage::TableMeta& source,
                        bool billing_overridden, storage::TableMeta* target);

}  // namespace tideline::api
