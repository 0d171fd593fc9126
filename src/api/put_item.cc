// PutItem: replaces an item whole, optionally under a condition on the old one.

#include <algorithm>

#include "api/expression_params.h"
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

std::string ExecutePutItem(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  const json::Value* item_json = OptObject(req, "Item");
  ValidationErrors errors;
  CheckTableNameOrArn(table_name, "tableName", &errors);
  if (!item_json) errors.AddNull("item");
  // Invalid enums are reported together, in this order.
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  const bool collection_metrics = ReadReturnItemCollectionMetrics(req, &errors);
  const ReturnValues rv = ReadReturnValues(req, /*only_old=*/true, &errors);
  const bool return_old_on_failure = ReadReturnOldOnConditionFailure(req, &errors);
  errors.ThrowIfAny();

  model::Item item = model::ItemFromJson(*item_json);
  auto resolver = ResolverFor(req, expr::ParamSet::kPutItem);
  std::shared_ptr<const expr::Condition> condition = ReadCondition(req, *resolver);
  resolver->CheckAllUsed();

  auto table = FindTableOrThrow(ctx, *table_name);
  const std::string key = model::KeyOfItem(table->key_schema, item);
  const size_t size = model::ItemSize(item);
  // The message of an item over 400 KB with its LSI entries is assumed to be the plain one
  // (AWS's text for that case is not documented).
  if (size > model::kMaxItemSize || ExceedsItemSizeWithLocalIndexes(*table, item, size)) {
    throw ApiError::Validation("Item size has exceeded the maximum allowed size");
  }
  CheckIndexKeys(*table, item);
  std::string stored = model::ItemToJson(item);
  // The old item's size is needed for the capacity (the larger of old and new is charged); the
  // commit reads the old version anyway, so this read is not repeated there.
  const bool need_old = condition || rv == ReturnValues::kAllOld || capacity;

  std::string old_json;
  bool old_found = false;
  size_t old_size = 0;
  std::vector<storage::IndexWrite> index_writes;
  // The item is locked from the read of its old version to the commit (storage/key_locks.h):
  // a concurrent write of it waits, and an ongoing transaction on it makes this one fail with
  // TransactionConflictException, as in DynamoDB.
  Status s = ctx.storage.Write(
      {{table->id, key}}, storage::LockMode::kItemWrite,
      [&](storage::WriteTxn& txn) {
        if (need_old) {
          Status gs = txn.Get(*table, key, &old_json, &old_found, &old_size);
          if (!gs.ok()) throw StatusError(gs);
          if (condition) {
            model::Item old_item;
            if (old_found) old_item = ParseStoredItem(old_json);
            if (!expr::EvaluateCondition(*condition, old_found ? &old_item : nullptr)) {
              ThrowConditionalCheckFailed(old_found ? &old_item : nullptr, return_old_on_failure);
            }
          }
        }
        txn.Put(*table, key, std::move(stored), size);
      },
      nullptr, nullptr, &index_writes);
  if (!s.ok()) throw StatusError(s);

  ResponseBody response;
  json::Writer& w = response.writer();
  if (rv == ReturnValues::kAllOld && old_found) {
    w.Key("Attributes");
    WriteRawObject(w, old_json);
  }
  WriteSingleWriteMetrics(w, ctx, *table, capacity, WriteUnits(std::max(old_size, size)),
                          index_writes, collection_metrics, item.at(table->key_schema.hash_name));
  return response.Finish();
}

}  // namespace tideline::api
