#pragma once
// Query and Scan on a secondary index: which index, what a read of it may ask for
// (ConsistentRead, Select, projections over projected attributes), where a page restarts
// (ExclusiveStartKey = index key + table key), and the cursor a page reads its entries from.
// Facts and messages: shared/spec/indexes.md §4.

#include <memory>
#include <string>
#include <string_view>

#include "api/key_ranges.h"
#include "api/read_pages.h"
#include "model/index_key.h"
#include "storage/storage.h"

namespace tideline::api {

// The index IndexName names. ValidationException "The table does not have the specified index:
// <name>" when the table has none by that name (or it is being deleted), and "Cannot read from
// backfilling global secondary index: <name>" while a GSI is still being created.
const storage::IndexMeta& FindIndexOrThrow(const storage::TableMeta& table, std::string_view name);

// The index's key attribute names, HASH then RANGE.
std::vector<std::string> IndexKeyNames(const storage::IndexMeta& index);

// Checks a read of `index` against what it projects and returns whether each item must be read
// from the table: a GSI refuses ConsistentRead ("Consistent reads are not supported on global
// secondary indexes"), Select ALL_ATTRIBUTES unless it projects ALL, and projections naming
// attributes it does not project ("... Global secondary index <i> does not project [a, b]"); an
// LSI reads the table for whatever it does not project (Select, projection or filter).
bool CheckIndexRead(const storage::TableMeta& table, const storage::IndexMeta& index, Select select,
                    const expr::Projection* projection, const expr::Condition* filter,
                    bool consistent);

// A position in an index: an entry's index key and its table item's user key.
struct IndexPosition {
  std::string index_key;
  std::string table_key;
};
// The position an ExclusiveStartKey names: exactly the table's and the index's key attributes,
// else ValidationException "The provided starting key is invalid[: detail]".
IndexPosition IndexStartKeyOf(const json::Value& start_key, const storage::TableMeta& table,
                              const storage::IndexMeta& index);

// The entries of `index` with index keys in `range`, in index order (reversed: backwards),
// strictly after `start` when given.
std::unique_ptr<PageCursor> IndexPageCursor(const storage::Storage& storage,
                                            const storage::TableMeta& table,
                                            const storage::IndexMeta& index, KeyRange range,
                                            bool reverse, const IndexPosition* start);

}  // namespace tideline::api
