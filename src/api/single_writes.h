#pragma once
// The write of one item under its lock, shared by PutItem, UpdateItem and DeleteItem and by
// PartiQL's INSERT, UPDATE and DELETE (which arrive already parsed): read the old version,
// check the condition (ConditionalCheckFailedException, with the old item when
// ReturnValuesOnConditionCheckFailure is ALL_OLD), write, and say what ReturnValues returns.
// The item is locked from the read of its old version to the commit (storage/key_locks.h): a
// concurrent write of it waits, and an ongoing transaction on it makes this one fail with
// TransactionConflictException, as in DynamoDB.

#include <string>
#include <vector>

#include "api/context.h"
#include "api/item_support.h"
#include "expr/expressions.h"
#include "model/attribute_value.h"
#include "storage/storage.h"

namespace tideline::api {

struct SingleWriteOutcome {
  std::string attributes_json;  // the attributes ReturnValues asks for, as JSON; "" = none
  double units = 0;             // write capacity: by the larger of the old and the new item
  std::vector<storage::IndexWrite> index_writes;
};

// Replaces the item whole. `need_old_size`: capacity is wanted (the old size counts).
SingleWriteOutcome PutSingleItem(Context& ctx, const storage::TableMeta& table,
                                 const model::Item& item, const expr::Condition* condition,
                                 ReturnValues rv, bool return_old_on_failure, bool need_old_size);

// Applies `update` (may be null: the item is only created from its key) to the item of
// `key_item`, creating it unless the update only removes.
SingleWriteOutcome UpdateSingleItem(Context& ctx, const storage::TableMeta& table,
                                    const model::Item& key_item, const expr::UpdatePlan* update,
                                    const expr::Condition* condition, ReturnValues rv,
                                    bool return_old_on_failure);

SingleWriteOutcome DeleteSingleItem(Context& ctx, const storage::TableMeta& table,
                                    const model::Item& key_item, const expr::Condition* condition,
                                    ReturnValues rv, bool return_old_on_failure);

}  // namespace tideline::api
