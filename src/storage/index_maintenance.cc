// Index entries of item versions and the batch changes between them (index_maintenance.h).

#include "storage/index_maintenance.h"

#include <algorithm>
#include <exception>

#include "json/json.h"
#include "json/object_members.h"
#include "model/index_key.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {
namespace {

// The attributes any of `indexes` needs: table key, index keys, INCLUDE's non-key attributes.
// Only these are decoded from the JSON: an ALL projection reuses the stored JSON as is, so a
// write never converts a whole item. (Views into `table`; a few names, searched linearly.)
std::vector<std::string_view> NeededAttributes(const TableMeta& table,
                                               const std::vector<const IndexMeta*>& indexes) {
  std::vector<std::string_view> names;
  auto add = [&](std::string_view name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  add(table.key_schema.hash_name);
  if (table.key_schema.has_range()) add(table.key_schema.range_name);
  for (const IndexMeta* ix : indexes) {
    for (const auto& a : ix->hash) add(a.name);
    for (const auto& a : ix->range) add(a.name);
    if (ix->projection == IndexMeta::Projection::kInclude) {
      for (const auto& name : ix->non_key_attributes) add(name);
    }
  }
  return names;
}

bool Needed(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Decodes the needed attributes of an item: through the member lexer, parsing only their values,
// or, when the lexer gives up, by parsing the whole text. Throws on a malformed value (model/).
Status DecodeNeeded(std::string_view item_json, const std::vector<std::string_view>& needed,
                    model::Item* item) {
  json::Document value;
  bool values_ok = true;
  const bool walked =
      json::ForEachObjectMember(item_json, [&](std::string_view name, std::string_view value_text) {
        if (!values_ok || !Needed(needed, name) || item->count(name)) return;
        if (!json::Parse(value_text, &value, nullptr)) {
          values_ok = false;
          return;
        }
        item->emplace(name, model::AttributeValueFromJson(value));
      });
  if (walked && values_ok) return Status::OK();
  item->clear();
  json::Document doc;
  if (!json::Parse(item_json, &doc, nullptr) || !doc.IsObject()) {
    return Status::Corruption("stored item is not a JSON object");
  }
  // Through a const view: clang finds the mutable member iterators' != ambiguous in C++20.
  const rapidjson::Value& object = doc;
  for (const auto& member : object.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (Needed(needed, name)) item->emplace(name, model::AttributeValueFromJson(member.value));
  }
  return Status::OK();
}

const IndexEntry* FindEntry(const std::vector<IndexEntry>& entries, uint32_t index_id) {
  for (const auto& e : entries) {
    if (e.index_id == index_id) return &e;
  }
  return nullptr;
}

}  // namespace

bool IndexMaintained(const IndexMeta& index) { return index.status != "DELETING"; }

const IndexMeta* FindIndexById(const TableMeta& table, uint32_t index_id) {
  for (const auto& ix : table.indexes) {
    if (ix.id == index_id) return &ix;
  }
  return nullptr;
}

bool HasMaintainedIndexes(const TableMeta& table) {
  return std::any_of(table.indexes.begin(), table.indexes.end(), IndexMaintained);
}

std::vector<const IndexMeta*> MaintainedIndexes(const TableMeta& table) {
  std::vector<const IndexMeta*> out;
  for (const auto& ix : table.indexes) {
    if (IndexMaintained(ix)) out.push_back(&ix);
  }
  return out;
}

Status EntriesOfItem(const TableMeta& table, const std::vector<const IndexMeta*>& indexes,
                     std::string_view item_json, size_t item_size, std::vector<IndexEntry>* out) {
  out->clear();
  if (indexes.empty()) return Status::OK();
  model::Item item;
  try {
    if (Status s = DecodeNeeded(item_json, NeededAttributes(table, indexes), &item); !s.ok()) {
      return s;
    }
  } catch (const std::exception& e) {
    // model/ refuses a malformed value by throwing (the client's error); here it is storage's.
    return Status::Corruption(std::string("stored item: ") + e.what());
  }
  for (const IndexMeta* ix : indexes) {
    IndexEntry entry;
    entry.index_id = ix->id;
    if (model::ComputeIndexKey(ix->key_schema(), item, ix->name, &entry.index_key) !=
        model::IndexKeyVerdict::kKey) {
      continue;
    }
    if (ix->projection == IndexMeta::Projection::kAll) {
      entry.json.assign(item_json);
      entry.size = item_size;
    } else {
      const model::Item projected = model::ProjectItem(item, table.key_schema, ix->key_schema(),
                                                       ix->projection, ix->non_key_attributes);
      entry.json = model::ItemToJson(projected);
      entry.size = model::ItemSize(projected);
    }
    out->push_back(std::move(entry));
  }
  return Status::OK();
}

void StageIndexChanges(uint64_t table_id, std::string_view user_key, uint64_t ts,
                       const std::vector<IndexEntry>& old_entries,
                       const std::vector<bool>& old_stored,
                       const std::vector<IndexEntry>& new_entries, rocksdb::WriteBatch* batch,
                       std::map<uint32_t, IndexStatsDelta>* deltas,
                       std::vector<IndexWrite>* index_writes, size_t op) {
  for (size_t i = 0; i < old_entries.size(); ++i) {
    const IndexEntry& old = old_entries[i];
    const bool stored = i < old_stored.size() && old_stored[i];
    const IndexEntry* now = FindEntry(new_entries, old.index_id);
    const bool same_key = now && now->index_key == old.index_key;
    if (stored) {
      IndexStatsDelta& d = (*deltas)[old.index_id];
      d.count -= 1;
      d.bytes -= static_cast<int64_t>(old.size);
    }
    // An entry that stays under its key is overwritten by the put below.
    if (!same_key)
      batch->Delete(layout::IndexEntryKey(table_id, old.index_id, old.index_key, user_key));
    if (index_writes && stored) {
      IndexWrite w;
      w.op = op;
      w.table_id = table_id;
      w.index_id = old.index_id;
      w.had_entry = true;
      w.old_size = old.size;
      if (now) {
        w.has_entry = true;
        w.new_size = now->size;
        w.same_key = same_key;
        w.unchanged = same_key && now->json == old.json;
      }
      index_writes->push_back(w);
    }
  }
  for (const IndexEntry& e : new_entries) {
    batch->Put(layout::IndexEntryKey(table_id, e.index_id, e.index_key, user_key),
               layout::IndexEntryValue(ts, e.index_key.size(), e.json, e.size));
    IndexStatsDelta& d = (*deltas)[e.index_id];
    d.count += 1;
    d.bytes += static_cast<int64_t>(e.size);
    if (!index_writes) continue;
    bool reported = false;
    for (size_t i = 0; i < old_entries.size(); ++i) {
      if (old_entries[i].index_id == e.index_id && i < old_stored.size() && old_stored[i]) {
        reported = true;
      }
    }
    if (!reported) {
      IndexWrite w;
      w.op = op;
      w.table_id = table_id;
      w.index_id = e.index_id;
      w.has_entry = true;
      w.new_size = e.size;
      index_writes->push_back(w);
    }
  }
}

}  // namespace tideline::storage

namespace tideline::storage {

bool Storage::Impl::EntryStored(const LiveTable& table, const IndexMeta& index, uint64_t ts) const {
  // Indexes past their backfill hold every item's entries; before, the commit path holds those
  // of the versions it wrote, and a backfill run those of the older versions its snapshot holds
  // (index_backfill.cc).
  if (index.status != "CREATING" || ts > index.maintained_since_ts) return true;
  const auto& indexes = CommitCatalog(table).indexes;
  auto it = indexes.find(index.id);
  return it == indexes.end() || BackfillRun(*it->second) != 0;
}

Status PrepareIndexOp(PreparedIndexOp* p) {
  p->old_entries.clear();
  p->new_entries.clear();
  const std::vector<const IndexMeta*> indexes = MaintainedIndexes(*p->meta);
  if (p->old_found) {
    // The old version is already at hand (the commit reads it for the statistics and the
    // history), so its entries are derived from it rather than looked up.
    Status s = EntriesOfItem(*p->meta, indexes, p->old_json, p->old_size, &p->old_entries);
    if (!s.ok()) return s;
  }
  if (p->new_present) {
    Status s = EntriesOfItem(*p->meta, indexes, p->new_json, p->new_size, &p->new_entries);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status StageIndexOp(const Storage::Impl& impl, const LiveTable& table, PreparedIndexOp* p,
                    std::string_view user_key, uint64_t ts, rocksdb::WriteBatch* batch,
                    std::map<uint32_t, IndexStatsDelta>* deltas,
                    std::vector<IndexWrite>* index_writes, size_t op) {
  const std::shared_ptr<const TableMeta>& meta = impl.CommitCatalog(table).meta;
  if (meta != p->meta) {
    p->meta = meta;
    if (Status s = PrepareIndexOp(p); !s.ok()) return s;
  }
  std::vector<bool> old_stored(p->old_entries.size(), true);
  for (size_t i = 0; i < p->old_entries.size() && !p->old_staged; ++i) {
    for (const auto& ix : p->meta->indexes) {
      if (ix.id != p->old_entries[i].index_id) continue;
      old_stored[i] = impl.EntryStored(table, ix, p->old_ts);
      if (ix.status == "CREATING" && p->old_ts <= ix.maintained_since_ts) {
        // The first change of an item a backfill may copy: record the key of the entry the
        // backfill may ingest after this commit deleted it (index_backfill.cc).
        const auto& live_indexes = impl.CommitCatalog(table).indexes;
        auto live = live_indexes.find(ix.id);
        std::string record;
        layout::PutU64BE(&record, live != live_indexes.end() ? impl.BackfillRun(*live->second) : 0);
        record.append(p->old_entries[i].index_key);
        batch->Put(layout::BackfillTouchedKey(p->meta->id, ix.id, user_key), record);
      }
    }
  }
  StageIndexChanges(p->meta->id, user_key, ts, p->old_entries, old_stored, p->new_entries, batch,
                    deltas, index_writes, op);
  return Status::OK();
}

}  // namespace tideline::storage
