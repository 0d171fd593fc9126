#include "api/index_key_checks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/api_error.h"
#include "model/index_key.h"

namespace tideline::api {

namespace {

// The live indexes of a table by name (a deleting index constrains nothing any more).
std::vector<const storage::IndexMeta*> IndexesByName(const storage::TableMeta& table) {
  std::vector<const storage::IndexMeta*> out;
  for (const auto& index : table.indexes) {
    if (index.status != "DELETING") out.push_back(&index);
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  return out;
}

bool KeyChanged(const storage::IndexMeta& index, const model::Item& old_item,
                const model::Item& new_item) {
  auto changed = [&](const std::string& name) {
    auto o = old_item.find(name);
    auto n = new_item.find(name);
    if ((o == old_item.end()) != (n == new_item.end())) return true;
    return o != old_item.end() && !(o->second == n->second);
  };
  for (const auto& k : index.hash) {
    if (changed(k.name)) return true;
  }
  for (const auto& k : index.range) {
    if (changed(k.name)) return true;
  }
  return false;
}

}  // namespace

void CheckIndexKeys(const storage::TableMeta& table, const model::Item& item) {
  for (const storage::IndexMeta* index : IndexesByName(table)) {
    model::IndexKeyOfItem(index->key_schema(), item, index->name);
  }
}

model::Item IndexKeyValues(const storage::TableMeta& table, const model::Item& item) {
  model::Item out;
  for (const auto& index : table.indexes) {
    for (const auto* part : {&index.hash, &index.range}) {
      for (const auto& k : *part) {
        auto it = item.find(k.name);
        if (it != item.end()) out.emplace(it->first, it->second);
      }
    }
  }
  return out;
}

void CheckUpdatedIndexKeys(const storage::TableMeta& table, const model::Item& old_item,
                           const model::Item& new_item) {
  for (const storage::IndexMeta* index : IndexesByName(table)) {
    if (!KeyChanged(*index, old_item, new_item)) continue;
    std::string key, error;
    if (model::ComputeIndexKey(index->key_schema(), new_item, index->name, &key, &error) !=
        model::IndexKeyVerdict::kInvalid) {
      continue;
    }
    // The update expression's own text for an empty value, without the index named (REAL
    // production logs; that it is chosen by the item's existence is Dynoxide's reading).
    if (error.find("cannot contain an empty") != std::string::npos) {
      throw ApiError::Validation(
          "One or more parameter values are not valid. The update expression attempted to update "
          "a secondary index key to a value that is not supported. The AttributeValue for a key "
          "attribute cannot contain an empty " +
          std::string(error.find("empty binary") != std::string::npos ? "binary" : "string") +
          " value.");
    }
    throw ApiError::Validation(error);
  }
}

bool ExceedsItemSizeWithLocalIndexes(const storage::TableMeta& table, const model::Item& item,
                                     size_t item_size) {
  size_t total = item_size;
  for (const auto& index : table.indexes) {
    if (index.global || index.status == "DELETING") continue;
    std::string key;
    if (model::ComputeIndexKey(index.key_schema(), item, index.name, &key) !=
        model::IndexKeyVerdict::kKey) {
      continue;  // not in this index: no entry
    }
    total += index.projection == storage::IndexMeta::Projection::kAll
                 ? item_size
                 : model::ItemSize(model::ProjectItem(item, table.key_schema, index.key_schema(),
                                                      index.projection, index.non_key_attributes));
  }
  return total > model::kMaxItemSize;
}

}  // namespace tideline::api
