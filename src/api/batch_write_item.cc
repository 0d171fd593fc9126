// BatchWriteItem: up to 25 puts and deletes over several tables. They commit together (a
// stronger guarantee than DynamoDB gives), so UnprocessedItems is always empty. An item of an
// ongoing transaction is waited for, not refused: AWS models no TransactionConflictException
// for BatchWriteItem (what DynamoDB does there is not documented; a transaction holds its items
// only while it commits).

#include <algorithm>
#include <set>

#include "api/index_key_checks.h"
#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

struct PendingWrite {
  std::shared_ptr<const storage::TableMeta> table;
  std::string key;
  bool is_delete;
  std::string item_json;
  size_t size;
};

}  // namespace

std::string ExecuteBatchWriteItem(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  const json::Value* request_items = ReadRequestItems(req, "BatchWriteItem");
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  const bool collection_metrics = ReadReturnItemCollectionMetrics(req, &errors);
  errors.ThrowIfAny();

  size_t total = 0;
  for (const auto& m : request_items->GetObject()) {
    CheckTableNameOrArn(json::AsView(m.name), "requestItems.key", &errors);
    if (!m.value.IsArray()) throw ApiError::Serialization("Expected list or null");
    if (m.value.Size() == 0)
      errors.Add("'[]'", "requestItems." + std::string(json::AsView(m.name)) + ".member",
                 "Member must have length greater than or equal to 1");
    if (m.value.Size() > 25)
      errors.Add("'{" + std::string(json::AsView(m.name)) + "=[...]}'", "requestItems",
                 "Map value must satisfy constraint: [Member must have length less than or "
                 "equal to 25, Member must have length greater than or equal to 1]");
    total += m.value.Size();
  }
  errors.ThrowIfAny();
  if (total > 25)
    throw ApiError::Validation("Too many items requested for the BatchWriteItem call");

  std::vector<PendingWrite> writes;
  std::set<std::pair<uint64_t, std::string>> seen;
  std::vector<std::pair<std::string, double>> units;
  // The item collections written, for ReturnItemCollectionMetrics (tables with LSIs only).
  std::vector<CollectionRef> collections;
  for (const auto& m : request_items->GetObject()) {
    // Validate every request before looking the table up, as DynamoDB does.
    std::vector<std::pair<bool, model::Item>> parsed;
    for (const auto& r : m.value.GetArray()) {
      if (!r.IsObject()) throw ApiError::Serialization("Expected null");
      const json::Value* put = OptObject(r, "PutRequest");
      const json::Value* del = OptObject(r, "DeleteRequest");
      if ((put != nullptr) == (del != nullptr)) {
        throw ApiError::Validation(
            "One or more parameter values were invalid: A WriteRequest must contain exactly one "
            "of PutRequest or DeleteRequest");
      }
      const json::Value* body = put ? OptObject(*put, "Item") : OptObject(*del, "Key");
      if (!body) {
        throw ApiError::Validation(std::string("1 validation error detected: Value null at '") +
                                   "requestItems." + std::string(json::AsView(m.name)) +
                                   ".member.1.member." +
                                   (put ? "putRequest.item" : "deleteRequest.key") +
                                   "' failed to satisfy constraint: Member must not be null");
      }
      parsed.emplace_back(del != nullptr, model::ItemFromJson(*body));
    }
    auto table = FindTableOrThrow(ctx, json::AsView(m.name));
    // Every table of the request has an entry, in request order (summed per write below).
    units.emplace_back(table->name, 0.0);
    for (auto& [is_delete, item] : parsed) {
      PendingWrite w{table, {}, is_delete, {}, 0};
      if (is_delete) {
        w.key = model::KeyOfKeyMap(table->key_schema, item);
      } else {
        w.key = model::KeyOfItem(table->key_schema, item);
        w.size = model::ItemSize(item);
        // With its LSI entries: the same message assumed (unconfirmed for that case).
        if (w.size > model::kMaxItemSize || ExceedsItemSizeWithLocalIndexes(*table, item, w.size)) {
          throw ApiError::Validation("Item size has exceeded the maximum allowed size");
        }
        CheckIndexKeys(*table, item);
        w.item_json = model::ItemToJson(item);
      }
      NoteCollection(collection_metrics, table, item, &collections);
      if (!seen.emplace(table->id, w.key).second) {
        throw ApiError::Validation("Provided list of item keys contains duplicates");
      }
      writes.push_back(std::move(w));
    }
  }

  std::vector<storage::ItemRef> refs;
  refs.reserve(writes.size());
  for (const auto& w : writes) refs.push_back({w.table->id, w.key});
  std::vector<storage::IndexWrite> index_writes;
  Status s = ctx.storage.Write(
      refs, storage::LockMode::kBatchWrite,
      [&](storage::WriteTxn& txn) {
        for (auto& w : writes) {
          if (capacity) {
            // Each write is charged as its PutItem or DeleteItem would be: by the larger of the
            // item it replaces and the item it writes.
            bool found = false;
            size_t old_size = 0;
            Status gs = txn.Get(*w.table, w.key, nullptr, &found, &old_size);
            if (!gs.ok()) throw StatusError(gs);
            units.emplace_back(w.table->name, WriteUnits(std::max(old_size, w.size)));
          }
          if (w.is_delete)
            txn.Delete(*w.table, w.key);
          else
            txn.Put(*w.table, w.key, std::move(w.item_json), w.size);
        }
      },
      nullptr, nullptr, &index_writes);
  if (!s.ok()) throw StatusError(s);
  if (!capacity && collections.empty()) return "{\"UnprocessedItems\":{}}";
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("UnprocessedItems");
  w.StartObject();
  w.EndObject();
  if (capacity) {
    std::vector<WriteCharge> charges;
    for (const auto& [table, u] : units) charges.push_back({table, u});
    // The index arms, once per table (the list sums a table's charges).
    std::set<uint64_t> indexed;
    for (const auto& pending : writes) {
      if (pending.table->indexes.empty() || !indexed.insert(pending.table->id).second) continue;
      WriteCharge index_charge{pending.table->name, 0};
      AddIndexUnits(*pending.table, index_writes, &index_charge);
      charges.push_back(std::move(index_charge));
    }
    WriteWriteCapacityList(w, capacity, charges);
  }
  WriteItemCollectionMetricsPerTable(w, ctx, collections);
  return response.Finish();
}

}  // namespace tideline::api
