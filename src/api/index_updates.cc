#include "api/index_updates.h"

#include <algorithm>
#include <set>

#include "api/index_transitions.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {

constexpr const char* kInvalid = "One or more parameter values were invalid: ";
constexpr const char* kInUse = "Attempt to change a resource which is still in use: ";
constexpr size_t kMaxGlobalIndexes = 20;

[[noreturn]] void Invalid(const std::string& detail) {
  throw ApiError::Validation(kInvalid + detail);
}

std::optional<std::string> ReadName(const json::Value& action, const std::string& path,
                                    ValidationErrors* errors) {
  auto name = OptString(action, "IndexName");
  if (!name) {
    errors->AddNull(path + ".indexName");
    return std::nullopt;
  }
  CheckIndexName(*name, path + ".indexName", errors);
  return std::string(*name);
}

storage::IndexMeta* FindIndex(storage::TableMeta* table, const std::string& name) {
  for (auto& index : table->indexes) {
    if (index.name == name) return &index;
  }
  return nullptr;
}

// The index a Delete or an Update names: an existing GSI, else RNF or (an LSI) VE.
storage::IndexMeta* ExistingGlobalIndex(storage::TableMeta* table, const std::string& name,
                                        const char* verb) {
  storage::IndexMeta* index = FindIndex(table, name);
  if (!index) {
    throw ApiError::ResourceNotFound("Requested resource not found: Index " + name + " for table " +
                                     table->name);
  }
  if (!index->global) {
    throw ApiError::Validation(std::string("Cannot ") + verb +
                               " an index that is not a GlobalSecondaryIndex: " + name);
  }
  return index;
}

[[noreturn]] void OnlyOneOnlineIndex() {
  throw ApiError::LimitExceeded(
      "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
      "per table");
}

void CheckOnDemandLimit(const storage::IndexMeta& index, const char* member,
                        const std::optional<int64_t>& value, bool on_demand) {
  if (!value) return;
  if (!on_demand) {
    Invalid(std::string(member) + " for OnDemandThroughput for index: " + index.name +
            " cannot be specified when table BillingMode is PROVISIONED.");
  }
  // -1 clears a limit ("no maximum"); other values below 1 are out of range.
  if (*value < 1 && *value != -1) {
    Invalid("Requested " + std::string(member) +
            " for OnDemandThroughput for index : " + index.name + " is outside of valid range");
  }
}

void ApplyUpdate(const IndexUpdates::Update& update, storage::TableMeta* table,
                 storage::IndexMeta* index, int64_t now_ms) {
  const bool on_demand = table->billing_mode == "PAY_PER_REQUEST";
  if (index->status == "DELETING") {
    throw ApiError::ResourceInUse(std::string(kInUse) + "Index is being deleted. Table: " +
                                  table->name + " Index: " + index->name);
  }
  if (update.provisioned_throughput) {
    if (on_demand) {
      Invalid("The only Updates for index: " + index->name +
              " when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, "
              "WarmThroughput");
    }
    const int64_t rcu = update.read_capacity, wcu = update.write_capacity;
    if (rcu == index->read_capacity && wcu == index->write_capacity) {
      // The table's text (recorded from AWS) with the index named as the live probe
      // DDB-TABLE-164 shows its beginning; the tail after "Current WriteCapacityUnits" is
      // assumed to follow the table's form.
      throw ApiError::Validation(
          "The provisioned throughput for the index " + index->name +
          " will not change. The requested value equals the current value. Current "
          "ReadCapacityUnits provisioned for index " +
          index->name + ": " + std::to_string(index->read_capacity) +
          ". Requested ReadCapacityUnits: " + std::to_string(rcu) +
          ". Current WriteCapacityUnits provisioned for index " + index->name + ": " +
          std::to_string(index->write_capacity) +
          ". Requested WriteCapacityUnits: " + std::to_string(wcu) +
          ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to "
          "request higher limits.");
    }
    if (rcu > index->read_capacity || wcu > index->write_capacity)
      index->last_throughput_increase_ms = now_ms;
    // Going from 0 (a table switched from PAY_PER_REQUEST) is no decrease.
    if ((rcu < index->read_capacity || wcu < index->write_capacity) && index->read_capacity) {
      index->last_throughput_decrease_ms = now_ms;
      ++index->throughput_decreases_today;
    }
    index->read_capacity = rcu;
    index->write_capacity = wcu;
    index->warm_read_units = std::max(index->warm_read_units, rcu);
    index->warm_write_units = std::max(index->warm_write_units, wcu);
  }
  if (update.warm_throughput) {
    // Identical values are a no-op (live probe DDB-TABLE-135/155); a decrease is refused with
    // the probe's text for reads, the WriteUnitsPerSecond form assumed to follow it. An
    // increase is ACTIVE at once: AWS shows Status UPDATING for minutes while it pre-warms, and
    // there is nothing to pre-warm here.
    const auto [read, write] = WarmThroughputOf(*table, *index);
    const std::tuple<const char*, const std::optional<int64_t>*, int64_t, int64_t*> asked[] = {
        {"ReadUnitsPerSecond", &update.warm_read_units, read, &index->warm_read_units},
        {"WriteUnitsPerSecond", &update.warm_write_units, write, &index->warm_write_units}};
    for (const auto& [member, value, current, kept] : asked) {
      if (!value->has_value()) continue;
      if (**value < current) {
        Invalid("Requested " + std::string(member) + " for WarmThroughput for index " +
                index->name +
                " is lower than current WarmThroughput, decreasing WarmThroughput is not "
                "supported");
      }
    }
    for (const auto& [member, value, current, kept] : asked) {
      if (value->has_value()) *kept = std::max(current, **value);
    }
  }
  if (update.on_demand_throughput) {
    CheckOnDemandLimit(*index, "MaxReadRequestUnits", update.max_read_request_units, on_demand);
    CheckOnDemandLimit(*index, "MaxWriteRequestUnits", update.max_write_request_units, on_demand);
    if (update.max_read_request_units)
      index->max_read_request_units = std::max<int64_t>(*update.max_read_request_units, 0);
    if (update.max_write_request_units)
      index->max_write_request_units = std::max<int64_t>(*update.max_write_request_units, 0);
  }
  // A throughput change while the previous one is still in flight (the index shows UPDATING,
  // api/index_transitions.h) is refused as AWS does (shared spec indexes.md §5.5, a second
  // OnDemandThroughput update), after the request's own validation (the changes above are made
  // on a copy that an error discards). A WarmThroughput change is not: AWS leaves the index
  // ACTIVE for it.
  if ((update.provisioned_throughput || update.on_demand_throughput) &&
      IndexUpdating(table->id, index->name)) {
    throw ApiError::ResourceInUse(std::string(kInUse) + "Index is being updated. Table: " +
                                  table->name + " Index: " + index->name);
  }
}

// Keeps only the definitions some key still uses (DynamoDB prunes them when a GSI goes: live
// probes DDB-TABLE-149/151).
void PruneAttributeDefinitions(storage::TableMeta* table, uint32_t removed_index_id) {
  std::set<std::string> used = {table->key_schema.hash_name};
  if (table->key_schema.has_range()) used.insert(table->key_schema.range_name);
  for (const auto& index : table->indexes) {
    if (index.id == removed_index_id) continue;
    for (const auto& k : index.hash) used.insert(k.name);
    for (const auto& k : index.range) used.insert(k.name);
  }
  auto& defs = table->attribute_definitions;
  defs.erase(
      std::remove_if(defs.begin(), defs.end(), [&](const auto& d) { return !used.count(d.first); }),
      defs.end());
}

}  // namespace

IndexUpdates ReadIndexUpdates(const json::Value& list, ValidationErrors* errors) {
  IndexUpdates out;
  int i = 0;
  for (const auto& entry : list.GetArray()) {
    ++i;
    if (!entry.IsObject()) throw ApiError::Serialization("Expected null");
    const std::string path = "globalSecondaryIndexUpdates." + std::to_string(i) + ".member";
    IndexUpdates::Entry e;
    if (const json::Value* create = OptObject(entry, "Create")) {
      ++e.actions;
      out.creates.push_back(
          ReadIndexDefinition(*create, /*global=*/true, path + ".create", errors));
      e.index_name = out.creates.back().name;
    }
    if (const json::Value* update = OptObject(entry, "Update")) {
      ++e.actions;
      IndexUpdates::Update u;
      u.name = ReadName(*update, path + ".update", errors).value_or("");
      u.provisioned_throughput = OptObject(*update, "ProvisionedThroughput");
      ReadProvisionedThroughput(u.provisioned_throughput, path + ".update.provisionedThroughput",
                                errors, &u.read_capacity, &u.write_capacity);
      u.on_demand_throughput = OptObject(*update, "OnDemandThroughput");
      if (u.on_demand_throughput) {
        u.max_read_request_units = OptInt(*u.on_demand_throughput, "MaxReadRequestUnits");
        u.max_write_request_units = OptInt(*u.on_demand_throughput, "MaxWriteRequestUnits");
      }
      u.warm_throughput = OptObject(*update, "WarmThroughput");
      if (u.warm_throughput) {
        u.warm_read_units = OptInt(*u.warm_throughput, "ReadUnitsPerSecond");
        u.warm_write_units = OptInt(*u.warm_throughput, "WriteUnitsPerSecond");
      }
      e.index_name = u.name;
      out.updates.push_back(std::move(u));
    }
    if (const json::Value* del = OptObject(entry, "Delete")) {
      ++e.actions;
      out.deletes.push_back(ReadName(*del, path + ".delete", errors).value_or(""));
      e.index_name = out.deletes.back();
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

void CheckIndexUpdatesShape(const IndexUpdates& updates, bool table_throughput, bool stream,
                            bool deletion_protection, bool warm_throughput) {
  std::set<std::string> named;
  for (const auto& e : updates.entries) {
    if (e.actions == 0) {
      Invalid(
          "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
          "GlobalSecondaryIndexUpdate.Delete must not be null");
    }
    if (e.actions > 1)
      Invalid(
          "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate "
          "object");
  }
  for (const auto& e : updates.entries) {
    if (!named.insert(e.index_name).second) {
      Invalid(
          "Only one global secondary index update per index is allowed simultaneously. "
          "Index: " +
          e.index_name);
    }
  }
  const size_t online = updates.creates.size() + updates.deletes.size();
  if (online > 1) OnlyOneOnlineIndex();
  if (online == 0) return;
  if (table_throughput) Invalid("You cannot create or delete index while updating table IOPS");
  if (stream) Invalid("You cannot create or delete index while changing stream status");
  if (deletion_protection)
    Invalid("DeletionProtection modification must be the only operation in the request");
  if (warm_throughput && !updates.creates.empty())
    Invalid("Create global secondary index cannot be specified when updating WarmThroughput");
}

IndexWork ApplyIndexUpdates(const IndexUpdates& updates,
                            const std::vector<AttributeDefinition>& definitions,
                            storage::TableMeta* table, int64_t now_ms) {
  IndexWork work;
  // Names resolve first: an unknown one fails the whole request (live probe DDB-TABLE-380).
  for (const auto& name : updates.deletes) ExistingGlobalIndex(table, name, "delete");
  for (const auto& u : updates.updates) ExistingGlobalIndex(table, u.name, "update");
  for (const auto& create : updates.creates) {
    if (const storage::IndexMeta* existing = FindIndex(table, create.name)) {
      // Measured on AWS for vector indexes only (two spaces after "created.").
      if (existing->status == "CREATING") {
        throw ApiError::ResourceInUse(std::string(kInUse) + "Index is being created.  Table: " +
                                      table->name + " Index: " + create.name);
      }
      if (existing->status != "DELETING")
        throw ApiError::Validation("Attempting to create an index which already exists");
    }
  }
  if (!updates.creates.empty() || !updates.deletes.empty()) {
    // Another index in flight blocks a Create or Delete; deleting the one being created is
    // allowed once it is backfilling, which here is from the start (no allocation phase).
    for (const auto& index : table->indexes) {
      const bool deleting_this = !updates.deletes.empty() && updates.deletes[0] == index.name;
      if ((index.status == "CREATING" && !deleting_this) || index.status == "DELETING")
        OnlyOneOnlineIndex();
    }
  }
  for (const auto& u : updates.updates) {
    ApplyUpdate(u, table, FindIndex(table, u.name), now_ms);
  }
  for (const auto& create : updates.creates) {
    size_t globals = 0;
    for (const auto& index : table->indexes) globals += index.global;
    if (globals + 1 > kMaxGlobalIndexes) {
      throw ApiError::LimitExceeded(
          "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit "
          "of 20");
    }
    ValidateCreateGlobalIndex(create, *table, definitions, table->billing_mode);
    // The request's definitions of the new key attributes join the table's; the others are
    // ignored (DDB-TABLE-162).
    for (const auto& k : create.keys) {
      auto& defs = table->attribute_definitions;
      const bool known =
          std::any_of(defs.begin(), defs.end(), [&](const auto& d) { return d.first == k.name; });
      if (known) continue;
      for (const auto& d : definitions) {
        model::AvType type = model::AvType::kS;
        if (d.name == k.name && model::AvTypeFromName(d.type, &type)) {
          defs.emplace_back(d.name, type);
          break;
        }
      }
    }
    storage::IndexMeta index =
        ToIndexMeta(create, table->attribute_definitions, table->billing_mode == "PAY_PER_REQUEST");
    index.id = table->next_index_id++;
    index.status = "CREATING";
    index.backfilling = false;  // storage sets it as the backfill starts
    table->indexes.push_back(std::move(index));
    CheckProjectedAttributeTotal(table->indexes);
    work.backfill = table->indexes.back().id;
  }
  for (const auto& name : updates.deletes) {
    const uint32_t id = FindIndex(table, name)->id;
    PruneAttributeDefinitions(table, id);
    work.removal = id;
  }
  return work;
}

void ApplyBillingModeToIndexes(const IndexUpdates* updates, const std::string& from,
                               storage::TableMeta* table, int64_t now_ms) {
  if (from == table->billing_mode) return;
  for (auto& index : table->indexes) {
    if (!index.global) continue;
    index.max_read_request_units = index.max_write_request_units = 0;
    if (table->billing_mode == "PAY_PER_REQUEST") {
      if (index.read_capacity || index.write_capacity) {
        ++index.throughput_decreases_today;
        index.last_throughput_decrease_ms = now_ms;
      }
      index.read_capacity = index.write_capacity = 0;
      continue;
    }
    if (index.status == "DELETING") continue;
    const bool given =
        updates && std::any_of(updates->updates.begin(), updates->updates.end(),
                               [&](const IndexUpdates::Update& u) {
                                 return u.name == index.name && u.provisioned_throughput;
                               });
    if (!given) Invalid("ProvisionedThroughput must be specified for index: " + index.name);
  }
}

void CheckNoIndexBeingDeleted(const storage::TableMeta& table) {
  std::string deleting;
  for (const auto& index : table.indexes) {
    if (index.status == "DELETING") deleting += (deleting.empty() ? "" : ", ") + index.name;
  }
  if (deleting.empty()) return;
  throw ApiError::ResourceInUse(std::string(kInUse) +
                                "Can't change table IOPS when an index is being deleted. Table: " +
                                table.name + " Indexes: [" + deleting + "]");
}

}  // namespace tideline::api
