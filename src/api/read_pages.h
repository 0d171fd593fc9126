#pragma once
// One page of a Query or Scan: walks a cursor, applying DynamoDB's paging rules. Limit counts
// items *evaluated* (before the filter), a page stops once 1 MB of items has been read, and
// LastEvaluatedKey names the last item evaluated whenever the page stopped early. Count is the
// number of items after the filter, ScannedCount the number evaluated.

#include <cstdint>
#include <memory>

#include "api/item_support.h"
#include "expr/expressions.h"
#include "json/json.h"
#include "storage/storage.h"

namespace tideline::api {

struct PageOptions {
  int64_t limit = 0;                                // 0: no limit
  const expr::Condition* filter = nullptr;
  const expr::Projection* projection = nullptr;
  bool count_only = false;                          // Select=COUNT
  bool consistent = false;
  ReturnCapacity return_capacity;
};

// Writes Items/Count/ScannedCount/LastEvaluatedKey (and ConsumedCapacity) members into the
// open response object.
void WritePage(json::Writer& w, storage::ItemCursor& cursor, const storage::TableMeta& table,
               const PageOptions& options);

// The Select member with its checks against the projection: "COUNT" -> true.
bool ReadSelectCount(const json::Value& req, bool has_projection);

// The user key of an ExclusiveStartKey; ValidationException "The provided starting key is
// invalid: ..." when it does not match the table's key schema.
std::string StartKeyOf(const json::Value& start_key, const storage::TableMeta& table);

// Upper bound for "every user key starting with prefix".
std::string PrefixEnd(std::string prefix);

}  // namespace tideline::api
