#include "storage/item_collections.h"

#include <algorithm>

#include "model/partition_prefix.h"
#include "storage/index_maintenance.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

namespace {

// The smallest key greater than every key starting with `prefix` ("" if there is none).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

bool IsLocalIndex(const TableMeta& table, uint32_t index_id) {
  const IndexMeta* index = FindIndexById(table, index_id);
  return index && !index->global;
}

int64_t LocalEntriesSize(const TableMeta& table, const std::vector<IndexEntry>& entries) {
  int64_t bytes = 0;
  for (const auto& entry : entries) {
    if (IsLocalIndex(table, entry.index_id)) bytes += static_cast<int64_t>(entry.size);
  }
  return bytes;
}

}  // namespace

bool HasLocalIndexes(const TableMeta& table) {
  return std::any_of(table.indexes.begin(), table.indexes.end(),
                     [](const IndexMeta& index) { return !index.global; });
}

const int64_t* ItemCollectionSizes::Find(std::string_view partition) const {
  auto it = bytes_.find(std::string(partition));
  return it == bytes_.end() ? nullptr : &it->second;
}

void ItemCollectionSizes::Set(std::string_view partition, int64_t bytes) {
  if (bytes_.size() >= kMaxEntries) {
    std::erase_if(bytes_, [](const auto& entry) { return entry.second < kCheapToMeasure; });
    if (bytes_.size() >= kMaxEntries) bytes_.clear();
  }
  bytes_[std::string(partition)] = bytes;
}

void ItemCollectionSizes::Add(std::string_view partition, int64_t delta) {
  auto it = bytes_.find(std::string(partition));
  if (it != bytes_.end()) it->second += delta;
}

Status AddCollectionChange(const TableMeta& table, std::string_view user_key,
                           const PreparedIndexOp& p, size_t op,
                           std::vector<CollectionChange>* changes) {
  const auto size = model::PartitionPrefixSize(user_key, table.key_schema.hash_type);
  if (!size) return Status::Corruption("a user key without a partition prefix");
  const std::string_view partition = user_key.substr(0, *size);
  int64_t delta = 0;
  if (p.old_found)
    delta -= static_cast<int64_t>(p.old_size) + LocalEntriesSize(table, p.old_entries);
  if (p.new_present)
    delta += static_cast<int64_t>(p.new_size) + LocalEntriesSize(table, p.new_entries);
  auto it = std::find_if(changes->begin(), changes->end(), [&](const CollectionChange& c) {
    return c.table_id == table.id && c.partition == partition;
  });
  if (it == changes->end()) {
    changes->push_back({table.id, std::string(partition), 0, {}});
    it = changes->end() - 1;
  }
  it->delta += delta;
  it->ops.push_back(op);
  return Status::OK();
}

Status MeasureItemCollection(const Storage& storage, const TableMeta& table,
                             std::string_view partition, int64_t* bytes) {
  *bytes = 0;
  const std::string upper = PrefixEnd(std::string(partition));
  auto items = storage.NewCursor(table.id, ~0ull, std::string(partition), upper);
  for (; items->Valid(); items->Next()) *bytes += static_cast<int64_t>(items->item_size());
  if (Status s = items->status(); !s.ok()) return s;
  // An LSI's partition prefix is the table's: the same partition_hash over the same key part.
  for (const auto& index : table.indexes) {
    if (index.global) continue;
    auto entries = storage.NewIndexCursor(table.id, index.id, std::string(partition), upper);
    for (; entries->Valid(); entries->Next()) *bytes += static_cast<int64_t>(entries->item_size());
    if (Status s = entries->status(); !s.ok()) return s;
  }
  return Status::OK();
}

Status Storage::Impl::CheckItemCollections(const Storage& storage, LiveTable& table,
                                           const TableMeta& meta,
                                           const std::vector<CollectionChange>& changes,
                                           std::vector<size_t>* over_ops) {
  ItemCollectionSizes& sizes = CollectionSizes(table);
  for (const auto& change : changes) {
    if (change.delta <= 0) continue;  // a shrinking (or same-size) write always passes
    const int64_t* known = sizes.Find(change.partition);
    int64_t current = 0;
    if (known) {
      current = *known;
    } else {
      if (Status s = MeasureItemCollection(storage, meta, change.partition, &current); !s.ok())
        return s;
      sizes.Set(change.partition, current);
    }
    if (current + change.delta > static_cast<int64_t>(options.item_collection_limit_bytes))
      over_ops->insert(over_ops->end(), change.ops.begin(), change.ops.end());
  }
  return Status::OK();
}

void Storage::Impl::ApplyItemCollections(LiveTable& table,
                                         const std::vector<CollectionChange>& changes) {
  ItemCollectionSizes& sizes = CollectionSizes(table);
  for (const auto& change : changes) sizes.Add(change.partition, change.delta);
}

Status Storage::ItemCollectionSize(uint64_t table_id, std::string_view partition_prefix,
                                   int64_t* bytes) {
  *bytes = 0;
  auto table = impl_->LiveFor(table_id);
  if (!table) return Status::NotFound("no such table");
  CommitLock lock(&impl_->write_mu);
  const auto& meta = impl_->CommitCatalog(*table).meta;
  if (!meta || table->dropped.load()) return Status::NotFound("no such table");
  ItemCollectionSizes& sizes = impl_->CollectionSizes(*table);
  if (const int64_t* known = sizes.Find(partition_prefix)) {
    *bytes = *known;
    return Status::OK();
  }
  if (Status s = MeasureItemCollection(*this, *meta, partition_prefix, bytes); !s.ok()) return s;
  sizes.Set(partition_prefix, *bytes);
  return Status::OK();
}

}  // namespace tideline::storage
