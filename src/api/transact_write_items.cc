// TransactWriteItems: reads the request's Put/Update/Delete/ConditionCheck actions and commits
// them through api/transact_write.h.

#include <set>

#include "api/index_key_checks.h"
#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/transact_write.h"
#include "common/api_error.h"
#include "common/mutex.h"
#include "expr/expressions.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

TransactWriteAction ReadAction(Context& ctx, const json::Value& entry, int index) {
  if (!entry.IsObject()) throw ApiError::Serialization("Expected null");
  static constexpr std::pair<const char*, TransactActionKind> kKinds[] = {
      {"Put", TransactActionKind::kPut},
      {"Update", TransactActionKind::kUpdate},
      {"Delete", TransactActionKind::kDelete},
      {"ConditionCheck", TransactActionKind::kConditionCheck}};
  const json::Value* body = nullptr;
  TransactActionKind kind = TransactActionKind::kPut;
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
  const json::Value* item_json =
      OptObject(*body, kind == TransactActionKind::kPut ? "Item" : "Key");
  if (!item_json) errors.AddNull(path + (kind == TransactActionKind::kPut ? ".put.item" : ".key"));
  auto condition_text = OptString(*body, "ConditionExpression");
  auto update_text = OptString(*body, "UpdateExpression");
  if (kind == TransactActionKind::kConditionCheck && !condition_text)
    errors.AddNull(path + ".conditionCheck.conditionExpression");
  if (kind == TransactActionKind::kUpdate && !update_text)
    errors.AddNull(path + ".update.updateExpression");
  const bool return_old = ReadReturnOldOnConditionFailure(*body, &errors);
  errors.ThrowIfAny();

  TransactWriteAction a;
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
    if (kind != TransactActionKind::kUpdate) {
      throw ApiError::Validation("UpdateExpression can only be specified in an Update action");
    }
    a.update = expr::ParseUpdate(*update_text, *a.resolver);
  }
  if (condition_text)
    a.condition = expr::ParseCondition(*condition_text, *a.resolver, "ConditionExpression");
  a.resolver->CheckAllUsed();
  a.table = FindTableOrThrow(ctx, *table_name);
  try {
    a.key = kind == TransactActionKind::kPut ? model::KeyOfItem(a.table->key_schema, a.item)
                                             : model::KeyOfKeyMap(a.table->key_schema, a.item);
    // With its LSI entries: the same message assumed (unconfirmed for that case).
    if (kind == TransactActionKind::kPut &&
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

  std::vector<TransactWriteAction> actions;
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
  if (bad_items) ThrowIfInvalidItems(actions);

  TransactWriteResult result =
      RunTransactWrite(ctx, actions, token, token ? json::Print(*items) : std::string());
  if (result.replayed) return "{}";
  const std::vector<size_t>& charged_sizes = result.charged_sizes;
  std::vector<CollectionRef> collections;
  for (const auto& a : actions) {
    if (a.kind != TransactActionKind::kConditionCheck)
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
      AddIndexUnits(*actions[i].table, result.index_writes, &charges.back());
  }
  if (capacity) WriteWriteCapacityList(w, capacity, charges);
  WriteItemCollectionMetricsPerTable(w, ctx, collections);
  return response.Finish();
}

}  // namespace tideline::api
