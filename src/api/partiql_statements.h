#pragma once
// What ExecuteStatement, BatchExecuteStatement and ExecuteTransaction share: reading a
// statement and its Parameters, binding it to its table (and index), and running it through the
// item operations' own code: writes through api/single_writes.h (PutItem, UpdateItem,
// DeleteItem), single-item reads through Storage::Get (GetItem), other reads through the
// Query/Scan page loop (api/read_pages.h). Facts: shared/spec/partiql-backups.md.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "api/item_support.h"
#include "api/request.h"
#include "api/single_writes.h"
#include "json/json.h"
#include "partiql/statement.h"
#include "storage/storage.h"

namespace tideline::api {

// The Statement member (1..8192 characters) and the Parameters list (at least one value) of a
// request or of one member of a batch/transaction; `path` prefixes the member paths in
// "1 validation error detected" messages ("" at the top level).
struct StatementRequest {
  std::string_view text;
  std::vector<model::AttributeValue> parameters;
};
StatementRequest ReadStatementRequest(const json::Value& req, const std::string& path,
                                      ValidationErrors* errors);

// A statement bound to its table.
struct BoundStatement {
  partiql::Statement st;
  std::shared_ptr<const storage::TableMeta> table;
  const storage::IndexMeta* index = nullptr;
  std::optional<model::Item> key;  // the key map of a write's item, or of a single-item SELECT
  std::shared_ptr<const expr::Condition> condition;  // a write's (partiql::WriteCondition)
};
// Parses `request` and binds it: ResourceNotFoundException for an unknown table, DynamoDB's
// ValidationExceptions for an unknown index and a write's WHERE that does not name one item.
BoundStatement BindStatement(Context& ctx, const StatementRequest& request);

// Runs an INSERT, UPDATE or DELETE. INSERT of an existing key: DuplicateItemException
// "Duplicate primary key exists in table"; UPDATE of a missing item or WHERE false:
// ConditionalCheckFailedException. attributes_json holds what RETURNING asked for.
SingleWriteOutcome RunWrite(Context& ctx, const BoundStatement& b, bool return_old_on_failure,
                            bool need_capacity);

// A SELECT that names one item by its whole key (b.key set): the row as JSON, when the item
// exists and the WHERE holds; *size receives the item's size (for capacity). `SELECT *` of a
// WHERE that only names the key returns the stored item as is, as GetItem does.
std::optional<std::string> ReadOneRow(Context& ctx, const BoundStatement& b, size_t* size);
// The same for the item of `key_map` (a whole key of b's table): one of the key lookups a
// SELECT's IN on the key decomposes into.
std::optional<std::string> ReadRowAt(Context& ctx, const BoundStatement& b,
                                     const model::Item& key_map, size_t* size);

// ExecuteStatement's SELECT: writes Items, NextToken and ConsumedCapacity of one page.
// `fingerprint` identifies the request (statement + parameters) inside its NextToken.
struct SelectPageRequest {
  int64_t limit = 0;  // 0: none
  bool consistent = false;
  ReturnCapacity capacity;
  std::optional<std::string_view> next_token;
  std::function<std::string()> fingerprint;  // computed only when a page needs it
};
void WriteSelectPage(json::Writer& w, Context& ctx, const BoundStatement& b,
                     const SelectPageRequest& request);

// The DuplicateItemException of an INSERT whose key exists.
ApiError DuplicateItem();

}  // namespace tideline::api
