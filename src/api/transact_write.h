#pragma once
// The commit of a write transaction, shared by TransactWriteItems and PartiQL's
// ExecuteTransaction: up to 100 Put/Update/Delete/ConditionCheck actions that commit all
// together with one commit timestamp (so a point-in-time read or export sees all or none of
// them), or none at all with TransactionCanceledException and one CancellationReason per
// action, in order. ClientRequestToken makes a request idempotent for 10 minutes.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "expr/expressions.h"
#include "model/attribute_value.h"
#include "storage/storage.h"

namespace tideline::api {

enum class TransactActionKind { kPut, kUpdate, kDelete, kConditionCheck };

struct TransactWriteAction {
  TransactActionKind kind;
  std::shared_ptr<const storage::TableMeta> table;
  std::string key;
  model::Item item;  // Put: the item; others: the key map
  std::unique_ptr<expr::AttributeResolver> resolver;
  std::shared_ptr<const expr::Condition> condition;
  std::shared_ptr<const expr::UpdatePlan> update;
  bool return_old_on_failure = false;
  // Why the item does not fit the table: a key attribute missing, of the wrong type or empty, or
  // an item over 400 KB (empty: it fits). DynamoDB reports it as a ValidationError cancellation
  // reason, not as a ValidationException of the request.
  std::string item_error;
  // The cancellation reason of a failed condition: DynamoDB's ConditionalCheckFailed, or what a
  // PartiQL INSERT of an existing key reports.
  std::string failure_code = "ConditionalCheckFailed";
  std::string failure_message = "The conditional request failed";
};

// An item that does not fit its table (item_error) cancels the transaction before anything is
// read: ValidationError for the first such item, None for every other one.
void ThrowIfInvalidItems(const std::vector<TransactWriteAction>& actions);

struct TransactWriteResult {
  bool replayed = false;  // the token's first request already committed it: nothing was written
  // Per action, the larger of the item before and after it (what its capacity is charged by).
  std::vector<size_t> charged_sizes;
  std::vector<storage::IndexWrite> index_writes;
};
// Checks and commits `actions` (distinct items, valid items: the caller checked). `fingerprint`
// identifies the request for the token's idempotency (ignored without a token).
TransactWriteResult RunTransactWrite(Context& ctx, std::vector<TransactWriteAction>& actions,
                                     std::optional<std::string_view> token,
                                     const std::string& fingerprint);

}  // namespace tideline::api
