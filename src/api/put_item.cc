// PutItem: replaces an item whole, optionally under a condition on the old one.

#include "api/expression_params.h"
#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/single_writes.h"
#include "common/api_error.h"
#include "expr/expressions.h"

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
  SingleWriteOutcome out = PutSingleItem(ctx, *table, item, condition.get(), rv,
                                         return_old_on_failure, static_cast<bool>(capacity));

  ResponseBody response;
  json::Writer& w = response.writer();
  if (!out.attributes_json.empty()) {
    w.Key("Attributes");
    WriteRawObject(w, out.attributes_json);
  }
  WriteSingleWriteMetrics(w, ctx, *table, capacity, out.units, out.index_writes, collection_metrics,
                          item.at(table->key_schema.hash_name));
  return response.Finish();
}

}  // namespace tideline::api
