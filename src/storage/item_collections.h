#pragma once
// Item collections (docs/storage.md "Item collections"): on a table with a local secondary
// index, the items of one partition key value plus their entries in the table's LSIs. DynamoDB
// limits a collection to 10 GB (StorageOptions::item_collection_limit_bytes here): a commit that
// would grow one past the limit is refused whole with Status LimitExceeded, while commits that
// shrink a collection, or keep its size, always pass.
//
// Sizes are kept in memory per table, under the commit lock, and are exact: a collection's size
// is measured (its items' and LSI entries' DynamoDB sizes summed from the database) the first
// time a commit grows it or someone asks for it, and from then on every commit adds its change.
// Nothing is persisted: after a restart, or once the entry is evicted, the next need measures
// again from the data, which is the truth. A measurement runs under the commit lock so that no
// commit slips between the read and the cache; a collection of gigabytes takes as long to read
// once after each restart (a documented limit: docs/storage.md).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "storage/table_meta.h"

namespace tideline::storage {

class Storage;
struct PreparedIndexOp;

// Whether the table has a local secondary index (only such tables have item collections).
bool HasLocalIndexes(const TableMeta& table);

// The known collection sizes of one table (kept by its LiveTable, used under the commit lock).
class ItemCollectionSizes {
 public:
  // The cached size of a collection; nullptr when unknown.
  const int64_t* Find(std::string_view partition) const;
  void Set(std::string_view partition, int64_t bytes);
  // Adds a commit's change to a known size (an unknown one is measured when next needed).
  void Add(std::string_view partition, int64_t delta);

 private:
  // Bounded: past this many entries, the small collections (cheap to measure again) are
  // forgotten, and if that frees nothing, all are.
  static constexpr size_t kMaxEntries = 1 << 16;
  static constexpr int64_t kCheapToMeasure = 1 << 20;
  std::unordered_map<std::string, int64_t> bytes_;
};

// One collection a commit changes, with the ops (positions among the commit's ops) that do.
struct CollectionChange {
  uint64_t table_id = 0;
  std::string partition;  // the partition prefix of its user keys (model/partition_prefix.h)
  int64_t delta = 0;
  std::vector<size_t> ops;
};

// Adds what op `op` (of user key `user_key`, prepared in `p`) does to its collection to
// *changes: its item's size change plus the size change of its LSI entries. Corruption when the
// user key does not parse.
Status AddCollectionChange(const TableMeta& table, std::string_view user_key,
                           const PreparedIndexOp& p, size_t op,
                           std::vector<CollectionChange>* changes);

// Measures a collection from the database: the latest items of the partition and their LSI
// entries. Takes no lock (the caller holds the commit lock for an exact figure).
Status MeasureItemCollection(const Storage& storage, const TableMeta& table,
                             std::string_view partition, int64_t* bytes);

}  // namespace tideline::storage
