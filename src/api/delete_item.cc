// DeleteItem: removes one item, optionally under a condition on it.

#include "api/expression_params.h"
#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDeleteItem(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  const json::Value* key_json = OptObject(req, "Key");
  ValidationErrors errors;
  CheckTableNameOrArn(table_name, "tableName", &errors);
  if (!key_json) errors.AddNull("key");
  // Invalid enums are reported together, in this order.
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  const bool collection_metrics = ReadReturnItemCollectionMetrics(req, &errors);
  const ReturnValues rv = ReadReturnValues(req, /*only_old=*/true, &errors);
  const bool return_old_on_failure = ReadReturnOldOnConditionFailure(req, &errors);
  errors.ThrowIfAny();

  model::Item key_item = model::ItemFromJson(*key_json);
  auto resolver = ResolverFor(req, expr::ParamSet::kDeleteItem);
  auto condition = ReadCondition(req, *resolver);
  resolver->CheckAllUsed();
  auto table = FindTableOrThrow(ctx, *table_name);
  const std::string key = model::KeyOfKeyMap(table->key_schema, key_item);

  std::string old_json;
  bool old_found = false;
  size_t old_size = 0;
  std::vector<storage::IndexWrite> index_writes;
  // Under the item's lock, as PutItem (put_item.cc).
  Status s = ctx.storage.Write(
      {{table->id, key}}, storage::LockMode::kItemWrite,
      [&](storage::WriteTxn& txn) {
        Status gs = txn.Get(*table, key, &old_json, &old_found, &old_size);
        if (!gs.ok()) throw StatusError(gs);
        if (condition) {
          model::Item old_item;
          if (old_found) old_item = ParseStoredItem(old_json);
          if (!expr::EvaluateCondition(*condition, old_found ? &old_item : nullptr)) {
            ThrowConditionalCheckFailed(old_found ? &old_item : nullptr, return_old_on_failure);
          }
        }
        if (old_found) txn.Delete(*table, key);
      },
      nullptr, nullptr, &index_writes);
  if (!s.ok()) throw StatusError(s);

  ResponseBody response;
  json::Writer& w = response.writer();
  if (rv == ReturnValues::kAllOld && old_found) {
    w.Key("Attributes");
    WriteRawObject(w, old_json);
  }
  WriteSingleWriteMetrics(w, ctx, *table, capacity, WriteUnits(old_size), index_writes,
                          collection_metrics, key_item.at(table->key_schema.hash_name));
  return response.Finish();
}

}  // namespace tideline::api
