// BatchGetItem: up to 100 keys over several tables. Keys past the 16 MB response limit are
// returned in UnprocessedKeys, as DynamoDB does.

#include <set>

#include "api/expression_params.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

constexpr size_t kMaxResponseBytes = 16 * 1024 * 1024;

struct TableRequest {
  std::string name;  // as the request spelled it (the response uses the same key)
  const json::Value* body;
  std::shared_ptr<const storage::TableMeta> table;
  std::unique_ptr<expr::AttributeResolver> resolver;
  std::shared_ptr<const expr::Projection> projection;
  std::vector<model::Item> keys;
  bool consistent = false;
};

}  // namespace

std::string ExecuteBatchGetItem(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  const json::Value* request_items = ReadRequestItems(req, "BatchGetItem");
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  errors.ThrowIfAny();

  std::vector<TableRequest> tables;
  size_t total = 0;
  for (const auto& m : request_items->GetObject()) {
    CheckTableNameOrArn(json::AsView(m.name), "requestItems.key", &errors);
    if (!m.value.IsObject()) throw ApiError::Serialization("Expected null");
    const json::Value* keys = OptArray(m.value, "Keys");
    // DynamoDB reports the Keys list's length in its newer form, which names the member (in
    // request spelling) but not the list.
    const std::string path = "RequestItems." + std::string(json::AsView(m.name)) + ".member.Keys";
    if (!keys)
      errors.AddNull("requestItems." + std::string(json::AsView(m.name)) + ".member.keys");
    else if (keys->Size() == 0)
      errors.AddWithoutValue(path, "Member must have length greater than or equal to 1");
    else if (keys->Size() > 100)
      errors.AddWithoutValue(path, "Member must have length less than or equal to 100");
    else
      total += keys->Size();
    tables.push_back(
        {std::string(json::AsView(m.name)), &m.value, nullptr, nullptr, nullptr, {}, false});
  }
  errors.ThrowIfAny();
  if (total > 100) throw ApiError::Validation("Too many items requested for the BatchGetItem call");

  for (auto& t : tables) {
    t.resolver = ResolverFor(*t.body, expr::ParamSet::kBatchGetItemTable);
    t.projection = ReadProjection(*t.body, *t.resolver, t.name);
    t.resolver->CheckAllUsed();
    t.consistent = OptBool(*t.body, "ConsistentRead").value_or(false);
    for (const auto& k : OptArray(*t.body, "Keys")->GetArray())
      t.keys.push_back(model::ItemFromJson(k));
  }
  for (auto& t : tables) t.table = FindTableOrThrow(ctx, t.name);

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Responses");
  w.StartObject();
  size_t bytes = 0;
  bool full = false;
  std::vector<std::pair<const TableRequest*, std::vector<const model::Item*>>> unprocessed;
  std::vector<std::pair<std::string, double>> units;
  for (auto& t : tables) {
    std::set<std::string> seen;
    std::vector<std::string> user_keys;
    for (const auto& k : t.keys) {
      user_keys.push_back(model::KeyOfKeyMap(t.table->key_schema, k));
      if (!seen.insert(user_keys.back()).second) {
        throw ApiError::Validation("Provided list of item keys contains duplicates");
      }
    }
    w.Key(t.name.data(), static_cast<rapidjson::SizeType>(t.name.size()));
    w.StartArray();
    double table_units = 0;
    std::vector<const model::Item*> left;
    for (size_t i = 0; i < t.keys.size(); ++i) {
      if (full) {
        left.push_back(&t.keys[i]);
        continue;
      }
      std::string item_json;
      bool found = false;
      size_t item_size = 0;
      Status s = ctx.storage.Get(t.table->id, user_keys[i], ~0ull, &item_json, &found, &item_size);
      if (!s.ok()) throw StatusError(s);
      // An item that would take the response past 16 MB is left for the next call.
      if (found && bytes + item_json.size() > kMaxResponseBytes) {
        full = true;
        left.push_back(&t.keys[i]);
        continue;
      }
      table_units += ReadUnits(item_size, t.consistent);
      if (!found) continue;
      if (t.projection) {
        model::WriteItem(w, expr::Project(*t.projection, ParseStoredItem(item_json)));
      } else {
        WriteRawObject(w, item_json);
      }
      bytes += item_json.size();
    }
    w.EndArray();
    if (!left.empty()) unprocessed.emplace_back(&t, std::move(left));
    units.emplace_back(t.table->name, table_units);
  }
  w.EndObject();
  w.Key("UnprocessedKeys");
  w.StartObject();
  for (const auto& [t, keys] : unprocessed) {
    w.Key(t->name.data(), static_cast<rapidjson::SizeType>(t->name.size()));
    w.StartObject();
    w.Key("Keys");
    w.StartArray();
    for (const model::Item* k : keys) model::WriteItem(w, *k);
    w.EndArray();
    // Carry the request's other members so the retry reads the same way.
    for (const char* member : {"ProjectionExpression", "ExpressionAttributeNames", "ConsistentRead",
                               "AttributesToGet"}) {
      if (const json::Value* v = json::Find(*t->body, member)) {
        w.Key(member);
        v->Accept(w);
      }
    }
    w.EndObject();
  }
  w.EndObject();
  if (capacity) {
    WriteConsumedCapacityList(w, capacity, units);
  }
  return response.Finish();
}

}  // namespace tideline::api
