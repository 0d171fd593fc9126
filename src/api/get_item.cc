// GetItem: the latest version of one item (every read here is strongly consistent).

#include "api/expression_params.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteGetItem(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  const json::Value* key_json = OptObject(req, "Key");
  ValidationErrors errors;
  CheckTableNameOrArn(table_name, "tableName", &errors);
  if (!key_json) errors.AddNull("key");
  const bool consistent = OptBool(req, "ConsistentRead").value_or(false);
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  errors.ThrowIfAny();

  model::Item key_item = model::ItemFromJson(*key_json);
  auto resolver = ResolverFor(req, expr::ParamSet::kGetItem);
  auto projection = ReadProjection(req, *resolver);
  resolver->CheckAllUsed();
  auto table = FindTableOrThrow(ctx, *table_name);
  const std::string key = model::KeyOfKeyMap(table->key_schema, key_item);

  std::string item_json;
  bool found = false;
  size_t item_size = 0;
  Status s = ctx.storage.Get(table->id, key, ~0ull, &item_json, &found, &item_size);
  if (!s.ok()) throw StatusError(s);

  std::string out;
  out.reserve(item_json.size() + 64);
  out.push_back('{');  // not `out = "{"`: gcc 12 reports a false -Wrestrict in that assignment
  if (found) {
    out += "\"Item\":";
    if (projection) {
      out += model::ItemToJson(expr::Project(*projection, ParseStoredItem(item_json)));
    } else {
      out += item_json;
    }
  }
  if (capacity) {
    json::Buffer buf;
    json::Writer w(buf);
    w.StartObject();
    WriteConsumedCapacity(w, capacity, table->name, ReadUnits(item_size, consistent));
    w.EndObject();
    if (out.size() > 1) out += ",";
    out.append(buf.GetString() + 1, buf.GetSize() - 2);
  }
  out += "}";
  return out;
}

}  // namespace tideline::api
