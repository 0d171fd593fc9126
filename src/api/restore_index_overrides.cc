#include "api/restore_index_overrides.h"

#include <algorithm>
#include <set>

#include "common/api_error.h"

namespace tideline::api {

namespace {

[[noreturn]] void InvalidRequest(const std::string& detail) {
  throw ApiError::Validation("Invalid Request: " + detail);
}

std::vector<std::string> SortedNonKeyAttributes(const std::vector<std::string>& names) {
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

const char* ProjectionName(storage::IndexMeta::Projection projection) {
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

// The source index an override stands for: same kind, key schema and projection (the name may
// differ). Indexes being deleted are gone for a restore.
const storage::IndexMeta* MatchingSourceIndex(const IndexDefinition& wanted,
                                              const storage::TableMeta& source) {
  for (const auto& index : source.indexes) {
    if (index.global != wanted.global || index.status == "DELETING") continue;
    const auto keys = IndexKeyElements(index);
    const bool same_keys =
        keys.size() == wanted.keys.size() &&
        std::equal(keys.begin(), keys.end(), wanted.keys.begin(), [](const auto& a, const auto& b) {
          return a.name == b.name && a.type == b.type;
        });
    if (!same_keys || !wanted.projection_type ||
        *wanted.projection_type != ProjectionName(index.projection)) {
      continue;
    }
    if (SortedNonKeyAttributes(wanted.non_key_attributes.value_or(std::vector<std::string>{})) ==
        SortedNonKeyAttributes(index.non_key_attributes)) {
      return &index;
    }
  }
  return nullptr;
}

// The source's indexes as the target takes them when no override names its kind.
void AddSourceIndexes(const storage::TableMeta& source, bool global, storage::TableMeta* target) {
  const bool on_demand = target->billing_mode == "PAY_PER_REQUEST";
  for (const auto& index : source.indexes) {
    if (index.global != global || index.status == "DELETING") continue;
    // A new index with the source's definition; nothing of the source's progress or history.
    storage::IndexMeta copy;
    copy.name = index.name;
    copy.global = index.global;
    copy.hash = index.hash;
    copy.range = index.range;
    copy.projection = index.projection;
    copy.non_key_attributes = index.non_key_attributes;
    copy.read_capacity = index.read_capacity;
    copy.write_capacity = index.write_capacity;
    copy.max_read_request_units = index.max_read_request_units;
    copy.max_write_request_units = index.max_write_request_units;
    if (global && on_demand) copy.read_capacity = copy.write_capacity = 0;
    // A GSI of an on-demand source restored as PROVISIONED gets the least capacity, as the
    // table does.
    if (global && !on_demand) {
      copy.read_capacity = std::max<int64_t>(copy.read_capacity, 1);
      copy.write_capacity = std::max<int64_t>(copy.write_capacity, 1);
      copy.max_read_request_units = copy.max_write_request_units = 0;
    }
    copy.id = target->next_index_id++;
    target->indexes.push_back(std::move(copy));
  }
}

void AddOverrides(const std::vector<IndexDefinition>& overrides, const storage::TableMeta& source,
                  bool billing_overridden, storage::TableMeta* target) {
  const bool on_demand = target->billing_mode == "PAY_PER_REQUEST";
  for (const auto& wanted : overrides) {
    const storage::IndexMeta* match = MatchingSourceIndex(wanted, source);
    if (!match) {
      InvalidRequest("Index " + wanted.name +
                     " does not match a secondary index that existed in the source table and "
                     "cannot be created during the restore operation");
    }
    if (wanted.global && !on_demand && !wanted.provisioned_throughput)
      InvalidRequest("Must specify provisioned throughput for index " + wanted.name);
    if (wanted.global && on_demand && wanted.provisioned_throughput) {
      // AWS's text names the billing override; with the source's on-demand mode kept, the same
      // text is assumed.
      (void)billing_overridden;
      InvalidRequest(
          "Cannot override ProvisionedThroughput if BillingMode is overridden to "
          "PAY_PER_REQUEST for index " +
          wanted.name);
    }
    storage::IndexMeta index = ToIndexMeta(wanted, source.attribute_definitions, on_demand);
    index.projection = match->projection;
    index.id = target->next_index_id++;
    target->indexes.push_back(std::move(index));
  }
}

}  // namespace

IndexOverrides ReadIndexOverrides(const json::Value& req, ValidationErrors* errors) {
  IndexOverrides out;
  if (const json::Value* g = OptArray(req, "GlobalSecondaryIndexOverride"))
    out.globals = ReadIndexDefinitions(*g, /*global=*/true, "globalSecondaryIndexOverride", errors);
  if (const json::Value* l = OptArray(req, "LocalSecondaryIndexOverride"))
    out.locals = ReadIndexDefinitions(*l, /*global=*/false, "localSecondaryIndexOverride", errors);
  return out;
}

void SetRestoredIndexes(const IndexOverrides& overrides, const storage::TableMeta& source,
                        bool billing_overridden, storage::TableMeta* target) {
  target->indexes.clear();
  target->next_index_id = 1;
  if (overrides.locals)
    AddOverrides(*overrides.locals, source, billing_overridden, target);
  else
    AddSourceIndexes(source, /*global=*/false, target);
  if (overrides.globals)
    AddOverrides(*overrides.globals, source, billing_overridden, target);
  else
    AddSourceIndexes(source, /*global=*/true, target);

  // The rules of CreateTable's lists that a match cannot imply (a name given twice, the
  // limits), on the definitions the target keeps.
  std::set<std::string> used = {target->key_schema.hash_name};
  if (target->key_schema.has_range()) used.insert(target->key_schema.range_name);
  for (const auto& index : target->indexes) {
    for (const auto& k : IndexKeyElements(index)) used.insert(k.name);
  }
  auto& defs = target->attribute_definitions;
  defs = source.attribute_definitions;
  defs.erase(
      std::remove_if(defs.begin(), defs.end(), [&](const auto& d) { return !used.count(d.first); }),
      defs.end());
  std::set<std::string> names;
  size_t globals = 0, locals = 0;
  for (const auto& index : target->indexes) {
    if (!names.insert(index.name).second) {
      throw ApiError::Validation(
          "One or more parameter values were invalid: Duplicate index name: " + index.name);
    }
    (index.global ? globals : locals)++;
  }
  if (locals > 5) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds "
        "per-table limit of 5");
  }
  if (globals > 20) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the "
        "per-table limit of 20");
  }
}

}  // namespace tideline::api
