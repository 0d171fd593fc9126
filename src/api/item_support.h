#pragma once
// Pieces shared by the item operations: ReturnValues, stored-item parsing, consumed capacity,
// and the expression attribute maps of a request.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/request.h"
#include "model/attribute_value.h"
#include "storage/table_meta.h"

namespace tideline::api {

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

// Reads ReturnValues; `only_old` restricts it to NONE/ALL_OLD as PutItem and DeleteItem do
// ("ReturnValues can only be ALL_OLD or NONE").
ReturnValues ReadReturnValues(const json::Value& req, bool only_old, ValidationErrors* errors);
// ReturnValuesOnConditionCheckFailure == ALL_OLD.
bool ReadReturnOldOnConditionFailure(const json::Value& req, ValidationErrors* errors);
// ReturnConsumedCapacity == TOTAL or INDEXES (validated).
bool ReadReturnConsumedCapacity(const json::Value& req, ValidationErrors* errors);

// ReturnItemCollectionMetrics (SIZE or NONE; validated only: there are no local secondary
// indexes, so there are never metrics to return).
void ReadReturnItemCollectionMetrics(const json::Value& req, ValidationErrors* errors);

// The RequestItems map of BatchGetItem / BatchWriteItem (`operation`). Absent or empty, it is
// refused at once with DynamoDB's "The requestItems parameter is required for <operation>".
const json::Value* ReadRequestItems(const json::Value& req, std::string_view operation);

// The TransactItems list of TransactWriteItems / TransactGetItems (1..100 entries; violations
// added to *errors).
const json::Value* ReadTransactItems(const json::Value& req, ValidationErrors* errors);

// Parses an item as stored (wire JSON of the item map).
model::Item ParseStoredItem(std::string_view item_json);

// `"ConsumedCapacity":{"TableName":..,"CapacityUnits":..}` member for a write or read of
// `bytes` (writes: 1 unit per KB, reads: 1 unit per 4 KB, halved for eventual consistency).
void WriteConsumedCapacity(json::Writer& w, const std::string& table, double units);
// `"ConsumedCapacity":[{"TableName":..,"CapacityUnits":..},...]` of the batch and transaction
// operations, one entry per table (name, units).
void WriteConsumedCapacityList(json::Writer& w,
                               const std::vector<std::pair<std::string, double>>& units);
double WriteUnits(size_t bytes);
double ReadUnits(size_t bytes, bool consistent);

// The ConditionalCheckFailedException DynamoDB raises, with the old item when the request
// asked for ReturnValuesOnConditionCheckFailure=ALL_OLD.
[[noreturn]] void ThrowConditionalCheckFailed(const model::Item* old_item, bool return_old);

}  // namespace tideline::api
