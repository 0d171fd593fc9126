// UpdateItem: reads the item (or starts from its key), checks the condition, applies the
// update, and writes the result, all under the item's lock so concurrent updates of one item
// serialise (and one on an item of an ongoing transaction fails with
// TransactionConflictException, as in DynamoDB).

#include <algorithm>

#include "api/expression_params.h"
#include "api/index_key_checks.h"
#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteUpdateItem(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  const json::Value* key_json = OptObject(req, "Key");
  ValidationErrors errors;
  CheckTableNameOrArn(table_name, "tableName", &errors);
  if (!key_json) errors.AddNull("key");
  // Invalid enums are reported together, in this order.
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  const bool collection_metrics = ReadReturnItemCollectionMetrics(req, &errors);
  const ReturnValues rv = ReadReturnValues(req, /*only_old=*/false, &errors);
  const bool return_old_on_failure = ReadReturnOldOnConditionFailure(req, &errors);
  errors.ThrowIfAny();

  model::Item key_item = model::ItemFromJson(*key_json);
  auto resolver = ResolverFor(req, expr::ParamSet::kUpdateItem);
  auto update = ReadUpdate(req, *resolver);
  auto condition = ReadCondition(req, *resolver);
  resolver->CheckAllUsed();
  auto table = FindTableOrThrow(ctx, *table_name);
  const std::string key = model::KeyOfKeyMap(table->key_schema, key_item);
  if (update) expr::CheckUpdateKeys(*update, table->key_schema);

  model::Item old_item, new_item;
  bool old_found = false;
  bool written = false;
  size_t old_size = 0, new_size = 0;
  std::vector<storage::IndexWrite> index_writes;
  Status s = ctx.storage.Write(
      {{table->id, key}}, storage::LockMode::kItemWrite,
      [&](storage::WriteTxn& txn) {
        std::string old_json;
        Status gs = txn.Get(*table, key, &old_json, &old_found, &old_size);
        if (!gs.ok()) throw StatusError(gs);
        if (old_found) old_item = ParseStoredItem(old_json);
        if (condition && !expr::EvaluateCondition(*condition, old_found ? &old_item : nullptr)) {
          ThrowConditionalCheckFailed(old_found ? &old_item : nullptr, return_old_on_failure);
        }
        // An update that only removes does not create a missing item (DynamoDB).
        if (!old_found && update && expr::UpdateOnlyRemoves(*update)) return;
        // The old item is only needed afterwards for ALL_OLD / UPDATED_OLD; otherwise move it.
        const bool keep_old = rv == ReturnValues::kAllOld || rv == ReturnValues::kUpdatedOld;
        model::Item old_index_keys;
        if (old_found && !table->indexes.empty()) old_index_keys = IndexKeyValues(*table, old_item);
        if (!old_found)
          new_item = key_item;
        else if (keep_old)
          new_item = old_item;
        else
          new_item = std::move(old_item);
        if (update) {
          expr::ApplyUpdate(*update, table->key_schema, &new_item, nullptr, old_found);
        }
        new_size = model::ItemSize(new_item);
        // With its LSI entries: the same message assumed (unconfirmed for that case).
        if (new_size > model::kMaxItemSize ||
            ExceedsItemSizeWithLocalIndexes(*table, new_item, new_size)) {
          throw ApiError::Validation("Item size to update has exceeded the maximum allowed size");
        }
        if (old_found)
          CheckUpdatedIndexKeys(*table, old_index_keys, new_item);
        else
          CheckIndexKeys(*table, new_item);
        txn.Put(*table, key, model::ItemToJson(new_item), new_size);
        written = true;
      },
      nullptr, nullptr, &index_writes);
  if (!s.ok()) throw StatusError(s);

  ResponseBody response;
  json::Writer& w = response.writer();
  const model::Item* attributes = nullptr;
  model::Item partial;
  switch (rv) {
    case ReturnValues::kNone:
      break;
    case ReturnValues::kAllOld:
      if (old_found) attributes = &old_item;
      break;
    case ReturnValues::kAllNew:
      if (written) attributes = &new_item;
      break;
    case ReturnValues::kUpdatedOld:
    case ReturnValues::kUpdatedNew:
      if (update && (rv == ReturnValues::kUpdatedOld ? old_found : written)) {
        // The updated document paths, projected out of the old or the new item.
        partial = expr::Project(*expr::UpdatedPaths(*update),
                                rv == ReturnValues::kUpdatedOld ? old_item : new_item);
        if (!partial.empty()) attributes = &partial;
      }
      break;
  }
  if (attributes) {
    w.Key("Attributes");
    model::WriteItem(w, *attributes);
  }
  WriteSingleWriteMetrics(w, ctx, *table, capacity, WriteUnits(std::max(old_size, new_size)),
                          index_writes, collection_metrics,
                          key_item.at(table->key_schema.hash_name));
  return response.Finish();
}

}  // namespace tideline::api
