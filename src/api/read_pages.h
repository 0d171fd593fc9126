#pragma once
// One page of a Query or Scan, on a table or on a secondary index: walks a cursor, applying
// DynamoDB's paging rules. Limit counts items *evaluated* (before the filter), a page stops once
// 1 MB of items has been read, and LastEvaluatedKey names the last item evaluated whenever the
// page stopped early (on an index: its index key attributes and the table's key attributes).
// Count is the number of items after the filter, ScannedCount the number evaluated.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/item_support.h"
#include "expr/expressions.h"
#include "json/json.h"
#include "storage/storage.h"

namespace tideline::api {

// What one page reads: a table's items or an index's entries, in order.
class PageCursor {
 public:
  virtual ~PageCursor() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // Wire JSON of the item map: the item, or the attributes an index entry projects.
  virtual std::string_view item_json() const = 0;
  virtual size_t item_size() const = 0;            // DynamoDB size of item_json's attributes
  virtual std::string_view table_key() const = 0;  // the table item's user key
  virtual Status status() const = 0;
};

// The items of a table cursor.
std::unique_ptr<PageCursor> TablePageCursor(std::unique_ptr<storage::ItemCursor> cursor);

// A page stops once 1 MB of items has been read.
constexpr size_t kPageBytes = 1024 * 1024;

struct PageOptions {
  int64_t limit = 0;  // 0: no limit
  const expr::Condition* filter = nullptr;
  const expr::Projection* projection = nullptr;
  bool count_only = false;  // Select=COUNT
  bool consistent = false;
  ReturnCapacity return_capacity;
  // The index read (nullptr: the table). Its reads are charged to it, and LastEvaluatedKey
  // carries its key attributes too.
  const storage::IndexMeta* index = nullptr;
  // An LSI read that needs attributes the index does not project reads each item from the
  // table (charged per item, in the "Table" share); the filter and the projection see the whole
  // item, and `return_fetched` returns it (Select=ALL_ATTRIBUTES) instead of the projected entry.
  const storage::Storage* fetch_from = nullptr;
  bool return_fetched = false;
  size_t max_bytes = kPageBytes;  // a page stops once it has read this much
  bool parse_every_item = false;  // hand every item to ReadPage's callback parsed
};

// The key attributes of an index read's LastEvaluatedKey (and ExclusiveStartKey): the table's,
// then the index's, each once.
std::vector<std::string> IndexReadKeyNames(const storage::TableMeta& table,
                                           const storage::IndexMeta& index);

// Writes Items/Count/ScannedCount/LastEvaluatedKey (and ConsumedCapacity) members into the
// open response object. `cursor` == nullptr: a key condition no item can satisfy (an empty page
// that still costs the minimum read).
void WritePage(json::Writer& w, PageCursor* cursor, const storage::TableMeta& table,
               const PageOptions& options);

// What one page read: the items evaluated (scanned) and kept (count), the bytes read (the
// table's share, with LSI fetches; entry_bytes: the entries alone), and whether it stopped
// before the cursor's end, after the item `last_json`.
struct PageStats {
  int64_t count = 0, scanned = 0;
  size_t bytes = 0, entry_bytes = 0;
  double fetch_units = 0;
  bool stopped_early = false;
  std::string last_json;
};
// The paging loop under WritePage: calls `emit(item_json, item)` for each item that passes the
// filter (`item` is the parsed item when there is a filter or a projection or
// parse_every_item, else null).
PageStats ReadPage(PageCursor* cursor, const storage::TableMeta& table, const PageOptions& options,
                   const std::function<void(std::string_view, const model::Item*)>& emit);
// The LastEvaluatedKey of a page that stopped early.
model::Item PageLastEvaluatedKey(const storage::TableMeta& table, const PageOptions& options,
                                 const PageStats& stats);
// The ConsumedCapacity member of a page (the index's and the table's shares on an index read).
void WritePageCapacity(json::Writer& w, const storage::TableMeta& table, const PageOptions& options,
                       const PageStats& stats);

// Select. Absent, it is ALL_PROJECTED_ATTRIBUTES on an index, SPECIFIC_ATTRIBUTES with a
// projection, ALL_ATTRIBUTES otherwise.
enum class Select { kAllAttributes, kAllProjectedAttributes, kSpecificAttributes, kCount };
// Reads Select with DynamoDB's checks against the projection and IndexName; `operation`:
// "Query" or "Scan" (some messages differ).
Select ReadSelect(const json::Value& req, bool has_projection, bool on_index,
                  std::string_view operation);

// The user key of an ExclusiveStartKey; ValidationException "The provided starting key is
// invalid: ..." when it does not match the table's key schema.
std::string StartKeyOf(const json::Value& start_key, const storage::TableMeta& table);

}  // namespace tideline::api
