#pragma once
// What a write costs and reports because of secondary indexes: ReturnConsumedCapacity's
// per-index breakdown (INDEXES) and totals (TOTAL), and ReturnItemCollectionMetrics (SIZE) on
// tables with local secondary indexes. DynamoDB's rules: the shared spec's indexes.md §3.5-§3.7.
// The write operations (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems)
// collect Storage::Write's IndexWrite report and hand it here.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/context.h"
#include "api/item_support.h"
#include "json/json.h"
#include "model/attribute_value.h"
#include "storage/storage.h"

namespace tideline::api {

// The capacity one write request consumed on one table.
struct WriteCharge {
  WriteCharge() = default;
  WriteCharge(std::string table_name, double units)
      : table(std::move(table_name)), table_units(units) {}
  std::string table;
  double table_units = 0;  // the base table's share (a transaction's doubled already)
  std::vector<std::pair<std::string, double>> global_indexes;  // index name, units
  std::vector<std::pair<std::string, double>> local_indexes;
  double Total() const;
};

// Adds the index units of `writes` that concern `table` to *charge: per touched index, a new
// entry costs its size in 1 KB units, a removed one the old size, an overwrite in place the
// larger, a moved key both (each rounded on its own), an identical entry nothing (and no arm).
// Index arms are charged at the non-transactional rate, in a transaction too.
void AddIndexUnits(const storage::TableMeta& table, const std::vector<storage::IndexWrite>& writes,
                   WriteCharge* charge);

// `"ConsumedCapacity":{...}` of a single-table write: TableName and CapacityUnits (the total,
// indexes included); with INDEXES also Table, GlobalSecondaryIndexes, LocalSecondaryIndexes.
void WriteWriteCapacity(json::Writer& w, ReturnCapacity detail, const WriteCharge& charge);
// `"ConsumedCapacity":[...]` of BatchWriteItem / TransactWriteItems: one object per table in
// first-seen order (charges of one table are summed).
void WriteWriteCapacityList(json::Writer& w, ReturnCapacity detail,
                            const std::vector<WriteCharge>& charges);

// True when ReturnItemCollectionMetrics SIZE applies: the request asked for it and the table has
// a local secondary index (DynamoDB returns metrics for such tables only).
bool WantsItemCollectionMetrics(bool requested, const storage::TableMeta& table);
// `{"ItemCollectionKey":{<hash>:<value>},"SizeEstimateRangeGB":[lo,hi]}` for the item
// collection of `hash_value` (the table's items of that partition key plus their LSI entries),
// measured after the write.
void WriteItemCollectionMetrics(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                                const model::AttributeValue& hash_value);

// The tail of a single-item write's response (PutItem, UpdateItem, DeleteItem): ConsumedCapacity
// when asked for (the table's `table_units` plus the index arms of `index_writes`), then
// ItemCollectionMetrics when asked for and the table has an LSI.
void WriteSingleWriteMetrics(json::Writer& w, Context& ctx, const storage::TableMeta& table,
                             ReturnCapacity capacity, double table_units,
                             const std::vector<storage::IndexWrite>& index_writes,
                             bool collection_metrics, const model::AttributeValue& hash_value);

// An item collection a BatchWriteItem or TransactWriteItems wrote.
struct CollectionRef {
  std::shared_ptr<const storage::TableMeta> table;
  model::AttributeValue hash_value;
};
// Notes the collection of `item` (which holds the table's hash key) once, when the metrics were
// requested and apply to the table.
void NoteCollection(bool requested, const std::shared_ptr<const storage::TableMeta>& table,
                    const model::Item& item, std::vector<CollectionRef>* collections);
// `"ItemCollectionMetrics":{<table>:[...],...}` (ItemCollectionMetricsPerTable), tables in
// first-seen order; nothing when `collections` is empty.
void WriteItemCollectionMetricsPerTable(json::Writer& w, Context& ctx,
                                        const std::vector<CollectionRef>& collections);

}  // namespace tideline::api
