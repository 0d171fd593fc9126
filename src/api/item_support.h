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
#include "model/key_codec.h"
#include "storage/table_meta.h"

namespace tideline::api {

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };

// Reads ReturnValues; `only_old` restricts it to NONE/ALL_OLD as PutItem and DeleteItem do
// ("ReturnValues can only be ALL_OLD or NONE").
ReturnValues ReadReturnValues(const json::Value& req, bool only_old, ValidationErrors* errors);
// ReturnValuesOnConditionCheckFailure == ALL_OLD.
bool ReadReturnOldOnConditionFailure(const json::Value& req, ValidationErrors* errors);
// What ReturnConsumedCapacity asked for. Tested as a bool: "is ConsumedCapacity wanted";
// indexes(): INDEXES, which adds the per-table (and, once they exist, per-index) breakdown.
class ReturnCapacity {
 public:
  enum Level { kNone, kTotal, kIndexes };
  ReturnCapacity(Level level = kNone) : level_(level) {}  // NOLINT: implicit by design
  explicit operator bool() const { return level_ != kNone; }
  bool indexes() const { return level_ == kIndexes; }

 private:
  Level level_;
};
// ReturnConsumedCapacity: NONE, TOTAL or INDEXES (validated).
ReturnCapacity ReadReturnConsumedCapacity(const json::Value& req, ValidationErrors* errors);

// ReturnItemCollectionMetrics (SIZE or NONE, validated): true for SIZE (metrics are returned for
// tables with local secondary indexes only: index_write_metrics.h).
bool ReadReturnItemCollectionMetrics(const json::Value& req, ValidationErrors* errors);

// The RequestItems map of BatchGetItem / BatchWriteItem (`operation`). Absent or empty, it is
// refused at once with DynamoDB's "The requestItems parameter is required for <operation>".
const json::Value* ReadRequestItems(const json::Value& req, std::string_view operation);

// The TransactItems list of TransactWriteItems / TransactGetItems (1..100 entries; violations
// added to *errors).
const json::Value* ReadTransactItems(const json::Value& req, ValidationErrors* errors);

// Parses an item as stored (wire JSON of the item map).
model::Item ParseStoredItem(std::string_view item_json);

// Consumed capacity, DynamoDB's way. Every size here is an item's DynamoDB size (attribute
// names plus values, model::ItemSize, stored with the item: Storage::Get returns it), never
// the length of its JSON.
//   - a write charges 1 unit per KB of the larger of the item before and after it (a delete:
//     the item deleted; an absent item counts as 0 bytes), at least 1 unit;
//   - a read of one item (GetItem, each key of BatchGetItem) charges 1 unit per 4 KB, at least
//     1 unit (an absent item too), halved when eventually consistent;
//   - a Query or Scan charges once for the total size of the items it read, rounded up to
//     4 KB, at least 1 unit, halved when eventually consistent;
//   - a transaction charges each of its items twice.
double WriteUnits(size_t bytes);
double ReadUnits(size_t bytes, bool consistent);

// `"ConsumedCapacity":{"TableName":..,"CapacityUnits":..}` member of a single-table
// operation; with INDEXES also `"Table":{"CapacityUnits":..}` (no secondary indexes yet, so
// the table's share is the whole).
void WriteConsumedCapacity(json::Writer& w, ReturnCapacity detail, const std::string& table,
                           double units);
// `"ConsumedCapacity":[{"TableName":..,"CapacityUnits":..},...]` of the batch and transaction
// operations: one entry per table, in first-seen order, summing the units given for it.
void WriteConsumedCapacityList(json::Writer& w, ReturnCapacity detail,
                               const std::vector<std::pair<std::string, double>>& units);

// The ConditionalCheckFailedException DynamoDB raises, with the old item when the request
// asked for ReturnValuesOnConditionCheckFailure=ALL_OLD.
[[noreturn]] void ThrowConditionalCheckFailed(const model::Item* old_item, bool return_old);

// The TransactionCanceledException of TransactWriteItems and TransactGetItems: one reason per
// transaction item, in order, each a CancellationReason JSON object ({"Code":"None"} for an
// item that was not at fault), and the codes listed in the message.
struct CancellationReasons {
  std::vector<std::string> codes;    // "None", "ConditionalCheckFailed", "ValidationError"...
  std::vector<std::string> reasons;  // the objects; "" stands for {"Code":"None"}
  explicit CancellationReasons(size_t n) : codes(n, "None"), reasons(n) {}
  // Sets item i's reason: {"Code":code,"Message":message[,"Item":item_json]}.
  void Set(size_t i, std::string code, std::string_view message, std::string_view item_json = {});
  [[noreturn]] void Throw() const;
};

}  // namespace tideline::api
