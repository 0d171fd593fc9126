// TransactGetItems: up to 100 reads answered from one consistent instant (one commit-clock
// timestamp), in request order; an item that does not exist gives an empty response entry.

#include <set>

#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "expr/expressions.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteTransactGetItems(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  const json::Value* items = ReadTransactItems(req, &errors);
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  errors.ThrowIfAny();

  struct Read {
    std::shared_ptr<const storage::TableMeta> table;
    std::string key;
    std::shared_ptr<const expr::Projection> projection;
  };
  std::vector<Read> reads;
  std::set<std::pair<uint64_t, std::string>> targets;
  // A key that does not fit its table cancels the transaction with a ValidationError reason
  // for the first such item (None for the others), as in TransactWriteItems.
  CancellationReasons cancel(items->Size());
  bool bad_keys = false;
  for (const auto& entry : items->GetArray()) {
    const json::Value* get = entry.IsObject() ? OptObject(entry, "Get") : nullptr;
    if (!get) throw ApiError::Validation("TransactItems can only contain Get actions");
    auto table_name = OptString(*get, "TableName");
    const json::Value* key = OptObject(*get, "Key");
    ValidationErrors e;
    CheckTableNameOrArn(table_name, "transactItems.member.get.tableName", &e);
    if (!key) e.AddNull("transactItems.member.get.key");
    e.ThrowIfAny();
    Read r;
    model::Item key_item = model::ItemFromJson(*key);
    const json::Value* names = OptObject(*get, "ExpressionAttributeNames");
    expr::AttributeResolver resolver(names, nullptr);
    if (auto text = OptString(*get, "ProjectionExpression")) {
      r.projection = expr::ParseProjection(*text, resolver);
    } else if (names) {
      throw ApiError::Validation(
          "ExpressionAttributeNames can only be specified when using expressions");
    }
    resolver.CheckAllUsed();
    r.table = FindTableOrThrow(ctx, *table_name);
    try {
      r.key = model::KeyOfKeyMap(r.table->key_schema, key_item);
    } catch (const ApiError& e) {
      if (e.type() != "ValidationException") throw;
      if (!bad_keys) cancel.Set(reads.size(), "ValidationError", e.message());
      bad_keys = true;
      reads.push_back(std::move(r));
      continue;
    }
    if (!targets.emplace(r.table->id, r.key).second) {
      throw ApiError::Validation(
          "Transaction request cannot include multiple operations on one item");
    }
    reads.push_back(std::move(r));
  }
  if (bad_keys) cancel.Throw();

  // Read every item at one instant.
  std::vector<storage::Storage::ItemRef> refs;
  refs.reserve(reads.size());
  for (const auto& r : reads) refs.push_back({r.table->id, r.key});
  std::vector<std::optional<std::string>> found;
  std::vector<size_t> sizes;
  Status s = ctx.storage.GetLatest(refs, &found, &sizes);
  if (!s.ok()) throw StatusError(s);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Responses");
  w.StartArray();
  for (size_t i = 0; i < reads.size(); ++i) {
    const auto& r = reads[i];
    w.StartObject();
    if (const auto& item_json = found[i]) {
      w.Key("Item");
      if (r.projection)
        model::WriteItem(w, expr::Project(*r.projection, ParseStoredItem(*item_json)));
      else
        WriteRawObject(w, *item_json);
    }
    w.EndObject();
  }
  w.EndArray();
  if (capacity) {
    std::vector<std::pair<std::string, double>> units;
    // A transactional read costs twice a consistent one.
    for (size_t i = 0; i < reads.size(); ++i)
      units.emplace_back(reads[i].table->name, 2 * ReadUnits(sizes[i], true));
    WriteConsumedCapacityList(w, capacity, units);
  }
  return response.Finish();
}

}  // namespace tideline::api
