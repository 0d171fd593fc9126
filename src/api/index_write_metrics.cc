#include "api/index_write_metrics.h"

#include <algorithm>
#include <cmath>

#include "api/status_error.h"
#include "model/key_codec.h"

namespace tideline::api {

namespace {

// The units of one index for one op's IndexWrite (spec indexes.md §3.5, the refinements
// captured on AWS by Dynoxide: overwrite in place max(old, new), move old + new).
double IndexWriteUnits(const storage::IndexWrite& write) {
  if (write.had_entry && write.has_entry) {
    if (write.unchanged) return 0;
    if (write.same_key) return WriteUnits(std::max(write.old_size, write.new_size));
    return WriteUnits(write.old_size) + WriteUnits(write.new_size);
  }
  if (write.had_entry) return WriteUnits(write.old_size);
  if (write.has_entry) return WriteUnits(write.new_size);
  return 0;
}

void AddUnits(std::vector<std::pair<std::string, double>>* arms, const std::string& name,
              double units) {
  auto it =
      std::find_if(arms->begin(), arms->end(), [&](const auto& a) { return a.first == name; });
  if (it == arms->end())
    arms->emplace_back(name, units);
  else
    it->second += units;
}

void WriteArms(json::Writer& w, const char* member,
               const std::vector<std::pair<std::string, double>>& arms) {
  if (arms.empty()) return;
  w.Key(member);
  w.StartObject();
  for (const auto& [name, units] : arms) {
    json::WriteKey(w, name);
    w.StartObject();
    w.Key("CapacityUnits");
    w.Double(units);
    w.EndObject();
  }
  w.EndObject();
}

void WriteChargeObject(json::Writer& w, ReturnCapacity detail, const WriteCharge& charge) {
  w.StartObject();
  w.Key("TableName");
  json::WriteString(w, charge.table);
  w.Key("CapacityUnits");
  w.Double(charge.Total());
  if (detail.indexes()) {
    w.Key("Table");
    w.StartObject();
    w.Key("CapacityUnits");
    w.Double(charge.table_units);
    w.EndObject();
    WriteArms(w, "LocalSecondaryIndexes", charge.local_indexes);
    WriteArms(w, "GlobalSecondaryIndexes", charge.global_indexes);
  }
  w.EndObject();
}

}  // namespace

double WriteCharge::Total() const {
  double total = table_units;
  for (const auto& arm : global_indexes) total += arm.second;
  for (const auto& arm : local_indexes) total += arm.second;
  return total;
}

void AddIndexUnits(const storage::TableMeta& table, const std::vector<storage::IndexWrite>& writes,
                   WriteCharge* charge) {
  for (const auto& write : writes) {
    if (write.table_id != table.id) continue;
    const double units = IndexWriteUnits(write);
    if (units == 0) continue;  // an identical entry: no arm at all (spec §3.5)
    for (const auto& index : table.indexes) {
      if (index.id != write.index_id) continue;
      AddUnits(index.global ? &charge->global_indexes : &charge->local_indexes, index.name, units);
    }
  }
}

void WriteWriteCapacity(json::Writer& w, ReturnCapacity detail, const WriteCharge& charge) {
  w.Key("ConsumedCapacity");
  WriteChargeObject(w, detail, charge);
}

void WriteWriteCapacityList(json::Writer& w, ReturnCapacity detail,
                            const std::vector<WriteCharge>& charges) {
  std::vector<WriteCharge> per_table;
  for (const auto& charge : charges) {
    auto it = std::find_if(per_table.begin(), per_table.end(),
                           [&](const WriteCharge& c) { return c.table == charge.table; });
    if (it == per_table.end()) {
      per_table.push_back(charge);
      continue;
    }
    it->table_units += charge.table_units;
    for (const auto& [name, units] : charge.global_indexes)
      AddUnits(&it->global_indexes, name, units);
    for (const auto& [name, units] : charge.local_indexes)
      AddUnits(&it->local_indexes, name, units);
  }
  w.Key("ConsumedCapacity");
  w.StartArray();
  for (const auto& charge : per_table) WriteChargeObject(w, detail, charge);
  w.EndArray();
}

bool WantsItemCollectionMetrics(bool requested, const storage::TableMeta& table) {
  if (!requested) return false;
  return std::any_of(table.indexes.begin(), table.indexes.end(),
                     [](const storage::IndexMeta& index) { return !index.global; });
}

void WriteItemCollectionMetrics(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                                const model::AttributeValue& hash_value) {
  // The collection's size now (the partition's items plus their entries in every LSI), as
  // storage tracks it for the 10 GB limit.
  int64_t bytes = 0;
  Status s =
      ctx.storage.ItemCollectionSize(table.id, model::EncodePartitionPrefix(hash_value), &bytes);
  if (!s.ok()) throw StatusError(s);
  // AWS documents the range only as an estimate not to rely on; a 1 GB wide range around the
  // measured size, as its examples show ([0.0, 1.0] for a small collection).
  const double lower = std::floor(static_cast<double>(bytes) / (1ull << 30));
  w.StartObject();
  w.Key("ItemCollectionKey");
  w.StartObject();
  json::WriteKey(w, table.key_schema.hash_name);
  model::WriteAttributeValue(w, hash_value);
  w.EndObject();
  w.Key("SizeEstimateRangeGB");
  w.StartArray();
  w.Double(lower);
  w.Double(lower + 1);
  w.EndArray();
  w.EndObject();
}

void NoteCollection(bool requested, const std::shared_ptr<const storage::TableMeta>& table,
                    const model::Item& item, std::vector<CollectionRef>* collections) {
  if (!WantsItemCollectionMetrics(requested, *table)) return;
  const model::AttributeValue& hash = item.at(table->key_schema.hash_name);
  for (const auto& c : *collections) {
    if (c.table->id == table->id && c.hash_value == hash) return;
  }
  collections->push_back({table, hash});
}

void WriteItemCollectionMetricsPerTable(json::Writer& w, Context& ctx,
                                        const std::vector<CollectionRef>& collections) {
  if (collections.empty()) return;
  w.Key("ItemCollectionMetrics");
  w.StartObject();
  for (size_t i = 0; i < collections.size(); ++i) {
    const uint64_t table_id = collections[i].table->id;
    bool first_of_table = true;
    for (size_t j = 0; j < i; ++j) first_of_table &= collections[j].table->id != table_id;
    if (!first_of_table) continue;
    json::WriteKey(w, collections[i].table->name);
    w.StartArray();
    for (const auto& c : collections) {
      if (c.table->id == table_id) WriteItemCollectionMetrics(w, ctx, *c.table, c.hash_value);
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteSingleWriteMetrics(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                             ReturnCapacity capacity, double table_units,
                             const std::vector<storage::IndexWrite>& index_writes,
                             bool collection_metrics, const model::AttributeValue& hash_value) {
  if (capacity) {
    WriteCharge charge{table.name, table_units};
    AddIndexUnits(table, index_writes, &charge);
    WriteWriteCapacity(w, capacity, charge);
  }
  if (WantsItemCollectionMetrics(collection_metrics, table)) {
    w.Key("ItemCollectionMetrics");
    WriteItemCollectionMetrics(w, ctx, table, hash_value);
  }
}

}  // namespace tideline::api
