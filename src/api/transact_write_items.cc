// TransactWriteItems: up to 100 Put/Update/Delete/ConditionCheck actions that commit all
// together with one commit timestamp (so a point-in-time read or export sees all or none of
// them), or none at all with TransactionCanceledException and one CancellationReason per
// action, in order. ClientRequestToken makes a request idempotent for 10 minutes.

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "api/index_key_checks.h"
#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "expr/expressions.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

enum class ActionKind { kPut, kUpdate, kDelete, kConditionCheck };

struct Action {
  ActionKind kind;
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
};

// Recently seen ClientRequestTokens: token -> (request fingerprint, expiry).
struct TokenCache {
  std::mutex mu;
  std::map<std::string, std::pair<std::string, int64_t>> tokens;
};
TokenCache& Tokens() {
  static TokenCache cache;
  return cache;
}
constexpr int64_t kTokenTtlMs = 10 * 60 * 1000;

Action ReadAction(Context& ctx, const json::Value& entry, int index) {
  if (!entry.IsObject()) throw ApiError::Serialization("Expected null");
  static constexpr std::pair<const char*, ActionKind> kKinds[] = {
      {"Put", ActionKind::kPut},
      {"Update", ActionKind::kUpdate},
      {"Delete", ActionKind::kDelete},
      {"ConditionCheck", ActionKind::kConditionCheck}};
  const json::Value* body = nullptr;
  ActionKind kind = ActionKind::kPut;
  int found = 0;
  for (const auto& [name, k] : kKinds) {
    if (const json::Value* v = OptObject(entry, name)) {
      body = v;
      kind = k;
      ++found;
    }
  }
  if (found != 1) {
    throw ApiError::Validation(
        "TransactItems can only contain one of Check, Put, Update or Delete");
  }
  const std::string path = "transactItems." + std::to_string(index) + ".member";
  ValidationErrors errors;
  auto table_name = OptString(*body, "TableName");
  CheckTableNameOrArn(table_name, path + ".tableName", &errors);
  const json::Value* item_json = OptObject(*body, kind == ActionKind::kPut ? "Item" : "Key");
  if (!item_json) errors.AddNull(path + (kind == ActionKind::kPut ? ".put.item" : ".key"));
  auto condition_text = OptString(*body, "ConditionExpression");
  auto update_text = OptString(*body, "UpdateExpression");
  if (kind == ActionKind::kConditionCheck && !condition_text)
    errors.AddNull(path + ".conditionCheck.conditionExpression");
  if (kind == ActionKind::kUpdate && !update_text)
    errors.AddNull(path + ".update.updateExpression");
  const bool return_old = ReadReturnOldOnConditionFailure(*body, &errors);
  errors.ThrowIfAny();

  Action a;
  a.kind = kind;
  a.return_old_on_failure = return_old;
  a.item = model::ItemFromJson(*item_json);
  const json::Value* names = OptObject(*body, "ExpressionAttributeNames");
  const json::Value* values = OptObject(*body, "ExpressionAttributeValues");
  if ((names || values) && !condition_text && !update_text) {
    throw ApiError::Validation(
        names ? "ExpressionAttributeNames can only be specified when using expressions"
              : "ExpressionAttributeValues can only be specified when using expressions");
  }
  a.resolver = std::make_unique<expr::AttributeResolver>(names, values);
  if (update_text) {
    if (kind != ActionKind::kUpdate) {
      throw ApiError::Validation("UpdateExpression can only be specified in an Update action");
    }
    a.update = expr::ParseUpdate(*update_text, *a.resolver);
  }
  if (condition_text)
    a.condition = expr::ParseCondition(*condition_text, *a.resolver, "ConditionExpression");
  a.resolver->CheckAllUsed();
  a.table = FindTableOrThrow(ctx, *table_name);
  try {
    a.key = kind == ActionKind::kPut ? model::KeyOfItem(a.table->key_schema, a.item)
                                     : model::KeyOfKeyMap(a.table->key_schema, a.item);
    // With its LSI entries: the same message assumed (unconfirmed for that case).
    if (kind == ActionKind::kPut &&
        (model::ItemSize(a.item) > model::kMaxItemSize ||
         ExceedsItemSizeWithLocalIndexes(*a.table, a.item, model::ItemSize(a.item)))) {
      throw ApiError::Validation("Item size has exceeded the maximum allowed size");
    }
  } catch (const ApiError& e) {
    if (e.type() != "ValidationException") throw;
    a.item_error = e.message();
  }
  if (a.update) expr::CheckUpdateKeys(*a.update, a.table->key_schema);
  return a;
}

}  // namespace

namespace {

// The index key checks of a Put or an Update in a transaction (`old`: the item it updates, if
// any): a wrong type cancels the transaction with a ValidationError reason for the item, an
// empty value fails the whole request with a top-level ValidationException (spec indexes.md §6,
// AWS captures).
bool IndexKeysValidInTransaction(const storage::TableMeta& table, const model::Item* old,
                                 const model::Item& item, size_t i, CancellationReasons* cancel) {
  if (table.indexes.empty()) return true;
  try {
    if (old)
      CheckUpdatedIndexKeys(table, IndexKeyValues(table, *old), item);
    else
      CheckIndexKeys(table, item);
    return true;
  } catch (const ApiError& e) {
    if (e.message().find("cannot contain an empty") != std::string::npos) throw;
    cancel->Set(i, "ValidationError", e.message());
    return false;
  }
}

}  // namespace

std::string ExecuteTransactWriteItems(Context& ctx, const json::Value& req) {
  auto token = OptString(req, "ClientRequestToken");
  ValidationErrors errors;
  const json::Value* items = ReadTransactItems(req, &errors);
  if (token && (token->empty() || token->size() > 36))
    errors.Add(ValidationErrors::Quote(*token), "clientRequestToken",
               token->empty() ? "Member must have length greater than or equal to 1"
                              : "Member must have length less than or equal to 36");
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  const bool collection_metrics = ReadReturnItemCollectionMetrics(req, &errors);
  errors.ThrowIfAny();

  std::vector<Action> actions;
  std::set<std::pair<uint64_t, std::string>> targets;
  int index = 0;
  bool bad_items = false;
  for (const auto& entry : items->GetArray()) {
    actions.push_back(ReadAction(ctx, entry, ++index));
    if (!actions.back().item_error.empty()) {
      bad_items = true;
      continue;
    }
    if (!targets.emplace(actions.back().table->id, actions.back().key).second) {
      throw ApiError::Validation(
          "Transaction request cannot include multiple operations on one item");
    }
  }
  if (bad_items) {
    // An item that does not fit its table cancels the transaction before anything is read:
    // ValidationError for the first such item, None for every other one, even another invalid
    // one (ScyllaDB's test_transact_write_cancellation_reasons_validationerror, run against
    // AWS; test_transact_write_items.py test_invalid_item_cancels).
    CancellationReasons cancel(actions.size());
    for (size_t i = 0; i < actions.size(); ++i) {
      if (actions[i].item_error.empty()) continue;
      cancel.Set(i, "ValidationError", actions[i].item_error);
      break;
    }
    cancel.Throw();
  }

  // Idempotency: the same token with the same request succeeds again without a second write.
  std::string fingerprint;
  if (token) {
    fingerprint = json::Print(*items);
    const int64_t now = NowMillis();
    std::lock_guard lock(Tokens().mu);
    auto& tokens = Tokens().tokens;
    std::erase_if(tokens, [&](const auto& t) { return t.second.second <= now; });
    auto it = tokens.find(std::string(*token));
    if (it != tokens.end()) {
      if (it->second.first != fingerprint) {
        throw ApiError::IdempotentParameterMismatch(
            "Request parameters do not match the original request for this ClientRequestToken");
      }
      return "{}";
    }
  }

  // Per action, the larger of the item before and after it (what its capacity is charged by).
  std::vector<size_t> charged_sizes(actions.size());
  std::vector<storage::IndexWrite> index_writes;
  // Every item is locked for the whole transaction (storage/key_locks.h): item writes of them
  // wait or fail with TransactionConflictException, and another transaction holding one of
  // them cancels this one with a TransactionConflict reason for that item, as in DynamoDB.
  std::vector<storage::ItemRef> refs;
  refs.reserve(actions.size());
  for (const auto& a : actions) refs.push_back({a.table->id, a.key});
  std::vector<size_t> conflicts;
  Status s = ctx.storage.Write(
      refs, storage::LockMode::kTransaction,
      [&](storage::WriteTxn& txn) {
        // Every action is checked and computed against the state before the transaction; any
        // failed condition, or an update DynamoDB rejects at run time (a ValidationError reason),
        // cancels all of them.
        CancellationReasons cancel(actions.size());
        std::vector<bool> found(actions.size());
        std::vector<std::optional<std::pair<std::string, size_t>>> puts(actions.size());
        bool cancelled = false;
        for (size_t i = 0; i < actions.size(); ++i) {
          Action& a = actions[i];
          std::string old_json;
          bool f = false;
          Status gs = txn.Get(*a.table, a.key, &old_json, &f, &charged_sizes[i]);
          if (!gs.ok()) throw StatusError(gs);
          found[i] = f;
          model::Item old;
          if (f) old = ParseStoredItem(old_json);
          if (a.condition && !expr::EvaluateCondition(*a.condition, f ? &old : nullptr)) {
            cancelled = true;
            cancel.Set(
                i, "ConditionalCheckFailed", "The conditional request failed",
                a.return_old_on_failure && f ? std::string_view(old_json) : std::string_view());
            continue;
          }
          if (a.kind == ActionKind::kPut) {
            if (!IndexKeysValidInTransaction(*a.table, nullptr, a.item, i, &cancel)) {
              cancelled = true;
              continue;
            }
            puts[i].emplace(model::ItemToJson(a.item), model::ItemSize(a.item));
          } else if (a.kind == ActionKind::kUpdate && (f || !expr::UpdateOnlyRemoves(*a.update))) {
            model::Item updated = f ? old : a.item;
            size_t size = 0;
            try {
              expr::ApplyUpdate(*a.update, a.table->key_schema, &updated, nullptr, f);
              size = model::ItemSize(updated);
              if (size > model::kMaxItemSize ||
                  ExceedsItemSizeWithLocalIndexes(*a.table, updated, size)) {
                throw ApiError::Validation(
                    "Item size to update has exceeded the maximum allowed size");
              }
            } catch (const ApiError& e) {
              if (e.type() != "ValidationException") throw;
              cancelled = true;
              cancel.Set(i, "ValidationError", e.message());
              continue;
            }
            // Outside the try: an empty index key fails the request itself, not the item.
            if (!IndexKeysValidInTransaction(*a.table, f ? &old : nullptr, updated, i, &cancel)) {
              cancelled = true;
              continue;
            }
            puts[i].emplace(model::ItemToJson(updated), size);
          }
        }
        if (cancelled) cancel.Throw();
        for (size_t i = 0; i < actions.size(); ++i) {
          Action& a = actions[i];
          if (a.kind == ActionKind::kDelete && found[i]) txn.Delete(*a.table, a.key);
          if (puts[i]) {
            charged_sizes[i] = std::max(charged_sizes[i], puts[i]->second);
            txn.Put(*a.table, a.key, std::move(puts[i]->first), puts[i]->second);
          }
        }
      },
      nullptr, &conflicts, &index_writes);
  if (s.code() == Status::Code::kBusy) {
    CancellationReasons cancel(actions.size());
    for (size_t i : conflicts) cancel.Set(i, "TransactionConflict", kTransactionConflictMessage);
    cancel.Throw();
  }
  if (!s.ok()) throw StatusError(s);
  if (token) {
    std::lock_guard lock(Tokens().mu);
    Tokens().tokens[std::string(*token)] = {fingerprint, NowMillis() + kTokenTtlMs};
  }
  std::vector<CollectionRef> collections;
  for (const auto& a : actions) {
    if (a.kind != ActionKind::kConditionCheck)
      NoteCollection(collection_metrics, a.table, a.item, &collections);
  }
  if (!capacity && collections.empty()) return "{}";
  ResponseBody response;
  json::Writer& w = response.writer();
  // The base-table arm is charged twice, as for any transactional write; the index arms at
  // their non-transactional cost (spec indexes.md §6, a single AWS capture).
  std::vector<WriteCharge> charges;
  std::set<uint64_t> indexed;
  for (size_t i = 0; i < actions.size(); ++i) {
    charges.push_back({actions[i].table->name, 2 * WriteUnits(charged_sizes[i])});
    if (!actions[i].table->indexes.empty() && indexed.insert(actions[i].table->id).second)
      AddIndexUnits(*actions[i].table, index_writes, &charges.back());
  }
  if (capacity) WriteWriteCapacityList(w, capacity, charges);
  WriteItemCollectionMetricsPerTable(w, ctx, collections);
  return response.Finish();
}

}  // namespace tideline::api
