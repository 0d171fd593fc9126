#include "api/single_writes.h"

#include <algorithm>

#include "api/index_key_checks.h"
#include "api/status_error.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {

// Evaluates the condition on the old item (old_found false: there is none).
void CheckCondition(const expr::Condition* condition, bool old_found, const std::string& old_json,
                    bool return_old_on_failure) {
  if (!condition) return;
  model::Item old_item;
  if (old_found) old_item = ParseStoredItem(old_json);
  if (!expr::EvaluateCondition(*condition, old_found ? &old_item : nullptr)) {
    ThrowConditionalCheckFailed(old_found ? &old_item : nullptr, return_old_on_failure);
  }
}

}  // namespace

SingleWriteOutcome PutSingleItem(Context& ctx, const storage::TableMeta& table,
                                 const model::Item& item, const expr::Condition* condition,
                                 ReturnValues rv, bool return_old_on_failure, bool need_old_size) {
  const std::string key = model::KeyOfItem(table.key_schema, item);
  const size_t size = model::ItemSize(item);
  // The message of an item over 400 KB with its LSI entries is assumed to be the plain one
  // (AWS's text for that case is not documented).
  if (size > model::kMaxItemSize || ExceedsItemSizeWithLocalIndexes(table, item, size)) {
    throw ApiError::Validation("Item size has exceeded the maximum allowed size");
  }
  CheckIndexKeys(table, item);
  std::string stored = model::ItemToJson(item);
  // The old item's size is needed for the capacity (the larger of old and new is charged); the
  // commit reads the old version anyway, so this read is not repeated there.
  const bool need_old = condition || rv == ReturnValues::kAllOld || need_old_size;

  SingleWriteOutcome out;
  std::string old_json;
  bool old_found = false;
  size_t old_size = 0;
  Status s = ctx.storage.Write(
      {{table.id, key}}, storage::LockMode::kItemWrite,
      [&](storage::WriteTxn& txn) {
        if (need_old) {
          Status gs = txn.Get(table, key, &old_json, &old_found, &old_size);
          if (!gs.ok()) throw StatusError(gs);
          CheckCondition(condition, old_found, old_json, return_old_on_failure);
        }
        txn.Put(table, key, std::move(stored), size);
      },
      nullptr, nullptr, &out.index_writes);
  if (!s.ok()) throw StatusError(s);
  if (rv == ReturnValues::kAllOld && old_found) out.attributes_json = std::move(old_json);
  out.units = WriteUnits(std::max(old_size, size));
  return out;
}

SingleWriteOutcome UpdateSingleItem(Context& ctx, const storage::TableMeta& table,
                                    const model::Item& key_item, const expr::UpdatePlan* update,
                                    const expr::Condition* condition, ReturnValues rv,
                                    bool return_old_on_failure) {
  const std::string key = model::KeyOfKeyMap(table.key_schema, key_item);
  if (update) expr::CheckUpdateKeys(*update, table.key_schema);

  SingleWriteOutcome out;
  model::Item old_item, new_item;
  bool old_found = false;
  bool written = false;
  size_t old_size = 0, new_size = 0;
  Status s = ctx.storage.Write(
      {{table.id, key}}, storage::LockMode::kItemWrite,
      [&](storage::WriteTxn& txn) {
        std::string old_json;
        Status gs = txn.Get(table, key, &old_json, &old_found, &old_size);
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
        if (old_found && !table.indexes.empty()) old_index_keys = IndexKeyValues(table, old_item);
        if (!old_found)
          new_item = key_item;
        else if (keep_old)
          new_item = old_item;
        else
          new_item = std::move(old_item);
        if (update) expr::ApplyUpdate(*update, table.key_schema, &new_item, nullptr, old_found);
        new_size = model::ItemSize(new_item);
        // With its LSI entries: the same message assumed (unconfirmed for that case).
        if (new_size > model::kMaxItemSize ||
            ExceedsItemSizeWithLocalIndexes(table, new_item, new_size)) {
          throw ApiError::Validation("Item size to update has exceeded the maximum allowed size");
        }
        if (old_found)
          CheckUpdatedIndexKeys(table, old_index_keys, new_item);
        else
          CheckIndexKeys(table, new_item);
        txn.Put(table, key, model::ItemToJson(new_item), new_size);
        written = true;
      },
      nullptr, nullptr, &out.index_writes);
  if (!s.ok()) throw StatusError(s);

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
  if (attributes) out.attributes_json = model::ItemToJson(*attributes);
  out.units = WriteUnits(std::max(old_size, new_size));
  return out;
}

SingleWriteOutcome DeleteSingleItem(Context& ctx, const storage::TableMeta& table,
                                    const model::Item& key_item, const expr::Condition* condition,
                                    ReturnValues rv, bool return_old_on_failure) {
  const std::string key = model::KeyOfKeyMap(table.key_schema, key_item);
  SingleWriteOutcome out;
  std::string old_json;
  bool old_found = false;
  size_t old_size = 0;
  Status s = ctx.storage.Write(
      {{table.id, key}}, storage::LockMode::kItemWrite,
      [&](storage::WriteTxn& txn) {
        Status gs = txn.Get(table, key, &old_json, &old_found, &old_size);
        if (!gs.ok()) throw StatusError(gs);
        CheckCondition(condition, old_found, old_json, return_old_on_failure);
        if (old_found) txn.Delete(table, key);
      },
      nullptr, nullptr, &out.index_writes);
  if (!s.ok()) throw StatusError(s);
  if (rv == ReturnValues::kAllOld && old_found) out.attributes_json = std::move(old_json);
  out.units = WriteUnits(old_size);
  return out;
}

}  // namespace tideline::api
