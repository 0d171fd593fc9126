// DeleteItem: removes one item, optionally under a condition on it.

#include "api/expression_params.h"
#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/single_writes.h"
#include "common/api_error.h"

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
  SingleWriteOutcome out =
      DeleteSingleItem(ctx, *table, key_item, condition.get(), rv, return_old_on_failure);

  ResponseBody response;
  json::Writer& w = response.writer();
  if (!out.attributes_json.empty()) {
    w.Key("Attributes");
    WriteRawObject(w, out.attributes_json);
  }
  WriteSingleWriteMetrics(w, ctx, *table, capacity, out.units, out.index_writes, collection_metrics,
                          key_item.at(table->key_schema.hash_name));
  return response.Finish();
}

}  // namespace tideline::api
