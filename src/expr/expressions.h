#pragma once
// DynamoDB's expression language: ConditionExpression, FilterExpression, KeyConditionExpression,
// UpdateExpression and ProjectionExpression, plus the legacy parameters that predate them
// (Expected, QueryFilter, ScanFilter, KeyConditions, AttributesToGet, AttributeUpdates), which
// convert into the same objects so that one evaluator serves both.
//
// Each request goes through: AttributeResolver (validates ExpressionAttributeNames/Values) ->
// Parse* for every expression of the request (lex -> recursive-descent parse -> resolve #names
// and :values -> DynamoDB's semantic checks) -> AttributeResolver::CheckAllUsed() -> evaluate.
// Every client error is thrown as ApiError (ValidationException) with DynamoDB's exact message,
// e.g. "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"== b\"" for "a == b".
//
// The parsed objects are immutable, share nothing mutable with the resolver and may outlive it
// and be used from several threads.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "model/attribute_value.h"
#include "model/index_key.h"
#include "model/key_codec.h"

namespace tideline::expr {

struct ValueTable;  // the parsed ExpressionAttributeValues, shared with the parsed expressions

// The ExpressionAttributeNames / ExpressionAttributeValues of one request (either may be null).
// The constructor validates their shapes, throwing ValidationException with DynamoDB's messages:
//  - "ExpressionAttributeNames must not be empty"
//  - "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\"" (keys are
//    #[A-Za-z0-9_]+)
//  - "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a"
//  - "ExpressionAttributeValues must not be empty"
//  - "ExpressionAttributeValues contains invalid key: Syntax error; key: \"v\"" (keys are
//    :[A-Za-z0-9_]+)
//  - "ExpressionAttributeValues contains invalid value: <reason> for key :v"
// It then records which entries the parsed expressions used.
class AttributeResolver {
 public:
  AttributeResolver(const json::Value* names, const json::Value* values);
  AttributeResolver(const AttributeResolver&) = delete;
  AttributeResolver& operator=(const AttributeResolver&) = delete;

  // Call after parsing all of a request's expressions. Throws ValidationException
  //   "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}" or
  //   "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"
  // (names first; keys in request order).
  void CheckAllUsed() const;

  // Used by the parsers. The attribute name a #token stands for (marking it used), or nullptr
  // when ExpressionAttributeNames does not define it.
  const std::string* UseName(std::string_view token);
  // The index in values() of a :token (marking it used), or -1 when undefined.
  int UseValue(std::string_view token);
  const std::shared_ptr<const ValueTable>& values() const { return values_; }

 private:
  struct Entry {
    std::string key;   // "#a" / ":v"
    std::string name;  // the attribute name (names only)
    bool used = false;
  };
  // Entry index of `key`, or -1. Entries are few; `sorted_` makes large maps fast too.
  static int Find(const std::vector<Entry>& entries, const std::vector<uint32_t>& sorted,
                  std::string_view key);

  std::vector<Entry> names_;
  std::vector<uint32_t> names_sorted_;
  std::vector<Entry> values_keys_;
  std::vector<uint32_t> values_sorted_;
  std::shared_ptr<const ValueTable> values_;
};

class Condition;   // a parsed+resolved ConditionExpression / FilterExpression (or legacy form)
class UpdatePlan;  // a parsed+resolved UpdateExpression (or AttributeUpdates)
class Projection;  // a parsed+resolved ProjectionExpression (or AttributesToGet)

// ---------------------------------------------------------------------------------------------
// ConditionExpression / FilterExpression.
// `parameter_name` ("ConditionExpression" or "FilterExpression") prefixes every error message:
// "Invalid ConditionExpression: ...". Expressions longer than 4096 bytes, syntax errors, reserved
// words used as names, undefined #names/:values, unknown or misused functions, operand type errors
// on :values, more than 300 operators, and the other static checks DynamoDB makes are thrown here.
std::shared_ptr<const Condition> ParseCondition(std::string_view text, AttributeResolver& r,
                                                std::string_view parameter_name);

// True when `item` satisfies the condition; `item` == nullptr means the item does not exist.
// Never throws for any item content (type mismatches make comparisons false, as in DynamoDB).
bool EvaluateCondition(const Condition& c, const model::Item* item);

// Query rejects filters on key attributes. Throws ValidationException
//   "Filter Expression can only contain non-primary key attributes: Primary key attribute: <n>"
// (for a QueryFilter: "QueryFilter can only contain non-key attributes: Primary key attribute:
// <n>") when `filter` reads a top-level attribute of `schema`.
void CheckFilterUsesNoKeyAttributes(const Condition& filter, const model::KeySchema& schema);
// The distinct top-level attribute names a condition reads, in expression order.
std::vector<std::string> ConditionTopLevelNames(const Condition& c);
// The same for a Query on an index: `key_names` are the index's key attributes.
void CheckFilterUsesNoKeyAttributes(const Condition& filter,
                                    const std::vector<std::string>& key_names);

// ---------------------------------------------------------------------------------------------
// KeyConditionExpression (Query). The result always has the hash key's EQ value; op describes
// the condition on the range key, if any. value2 is only set for kBetween.
struct KeyCondition {
  model::AttributeValue hash_value;
  enum class RangeOp { kNone, kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith } op = RangeOp::kNone;
  model::AttributeValue value1, value2;
};
// Parses with the ConditionExpression grammar, then applies DynamoDB's KeyConditionExpression
// rules ("Invalid operator used in KeyConditionExpression: OR", "KeyConditionExpressions must
// only contain one condition per key", "Conditions can be of length 1 or 2 only", ...) and the
// checks against `schema` (the table's or the queried index's key schema):
//   "Query condition missed key schema element: <name>", "Query key condition not supported",
//   "One or more parameter values were invalid: Condition parameter type does not match schema
//   type".
KeyCondition ParseKeyCondition(std::string_view text, AttributeResolver& r,
                               const model::KeySchema& schema);

// A key condition on a key of one or several attributes (a GSI's key takes up to 4 HASH and 4
// RANGE attributes): the value of every HASH attribute, equality on a left-to-right prefix of
// the RANGE attributes, and at most one more condition (op, never kEq) on the next RANGE
// attribute. A table's KeyCondition is the case of one HASH and at most one RANGE attribute.
struct CompositeKeyCondition {
  std::vector<model::AttributeValue> hash_values;  // in key schema order
  std::vector<model::AttributeValue> range_equal;  // the equality prefix, in key schema order
  KeyCondition::RangeOp op = KeyCondition::RangeOp::kNone;  // on RANGE attribute range_equal.size()
  model::AttributeValue value1, value2;
};
CompositeKeyCondition AsComposite(KeyCondition kc);
// KeyConditionExpression / legacy KeyConditions against an index's key schema. A key of one
// HASH and at most one RANGE attribute gets exactly the checks of ParseKeyCondition; a
// multi-attribute key gets DynamoDB's rules for those (shared/spec/indexes.md §1.5):
//   "Query condition missed key schema element: <hash attribute>",
//   "RANGE key attributes <a> must have equality conditions specified in the query because a
//    condition is present on key attribute <b>".
CompositeKeyCondition ParseIndexKeyCondition(std::string_view text, AttributeResolver& r,
                                             const model::IndexKeySchema& schema);
CompositeKeyCondition IndexKeyConditionFromLegacy(const json::Value& key_conditions,
                                                  const model::IndexKeySchema& schema);

// ---------------------------------------------------------------------------------------------
// UpdateExpression. Parse-time errors include the clause-repeat error ("The \"SET\" section can
// only be used once in an update expression;"), overlapping/conflicting paths ("Two document paths
// overlap with each other; must remove or rewrite one of these paths; path one: [a], path two:
// [a, b]"), and operand type errors on :values ("Incorrect operand type for operator or function;
// operator: ADD, operand type: STRING").
std::shared_ptr<const UpdatePlan> ParseUpdate(std::string_view text, AttributeResolver& r);

// Applies the plan to *item, which holds the old item (or, for an item that does not exist yet,
// nothing or only its key attributes). All right-hand sides are read from the old item before
// anything is written, and list indexes refer to positions in the old item, as in DynamoDB.
// Throws ValidationException for DynamoDB's runtime errors:
//  - "One or more parameter values were invalid: Cannot update attribute <n>. This attribute
//    is part of the key"
//  - "The provided expression refers to an attribute that does not exist in the item"
//  - "An operand in the update expression has an incorrect data type"
//  - "The document path provided in the update expression is invalid for update"
//  - number overflow/underflow/precision messages of model::Decimal;
//  - for AttributeUpdates: "Type mismatch for attribute to update".
// On error *item is left partially updated: callers must discard it.
// `updated` (may be null) receives the distinct top-level names the plan writes, in plan order.
// `item_existed` = false makes REMOVE of a nested path of a missing item a no-op (DynamoDB does
// not complain there, while it does for an existing item); an empty *item counts as missing.
void ApplyUpdate(const UpdatePlan& plan, const model::KeySchema& schema, model::Item* item,
                 std::vector<std::string>* updated, bool item_existed = true);

// Throws the "Cannot update attribute ..." error if the plan writes a key attribute; ApplyUpdate
// calls it too, this lets a handler check before reading the item.
void CheckUpdateKeys(const UpdatePlan& plan, const model::KeySchema& schema);

// The document paths the plan writes, as a projection: ReturnValues UPDATED_OLD is
// Project(*UpdatedPaths(plan), old_item) and UPDATED_NEW is Project(*UpdatedPaths(plan), new_item),
// which gives DynamoDB's answers for nested paths too ({"a": {"b": ...}} for SET a.b = ...).
std::shared_ptr<const Projection> UpdatedPaths(const UpdatePlan& plan);

// True when the plan only removes attributes (REMOVE / DELETE without value): DynamoDB does not
// create a missing item for such an update.
bool UpdateOnlyRemoves(const UpdatePlan& plan);

// ---------------------------------------------------------------------------------------------
// ProjectionExpression.
std::shared_ptr<const Projection> ParseProjection(std::string_view text, AttributeResolver& r);

// The attributes of `item` the projection selects: nested paths keep their enclosing maps, list
// elements keep their order (a[1], a[3] -> a: [e1, e3]); missing paths are left out.
model::Item Project(const Projection& p, const model::Item& item);

// The distinct top-level attribute names a projection reads, in expression order.
std::vector<std::string> ProjectionTopLevelNames(const Projection& p);

// ---------------------------------------------------------------------------------------------
// Legacy parameters. Arguments are the request members (nullptr when absent). Each validates as
// DynamoDB does and throws ValidationException with its messages, e.g.
//   "One or more parameter values were invalid: Invalid number of argument(s) for the EQ
//   ComparisonOperator", "One or more parameter values were invalid: ComparisonOperator LT is not
//   valid for BOOL AttributeValue type", "ConditionalOperator can only be used when Filter or
//   Expected has two or more elements".

// Expected (+ ConditionalOperator) of PutItem/DeleteItem/UpdateItem. nullptr when there is no
// condition (Expected absent or empty).
std::shared_ptr<const Condition> ConditionFromExpected(const json::Value* expected,
                                                       const json::Value* conditional_operator);
// QueryFilter or ScanFilter (+ ConditionalOperator); `parameter_name` is "QueryFilter" or
// "ScanFilter". nullptr when absent or empty.
std::shared_ptr<const Condition> ConditionFromFilter(const json::Value* filter,
                                                     const json::Value* conditional_operator,
                                                     std::string_view parameter_name);
// KeyConditions of Query, checked against `schema` like ParseKeyCondition.
KeyCondition KeyConditionFromLegacy(const json::Value& key_conditions,
                                    const model::KeySchema& schema);
// AttributesToGet ("One or more parameter values were invalid: Duplicate value in attribute
// name: a").
std::shared_ptr<const Projection> ProjectionFromAttributesToGet(const json::Value& names);
// AttributeUpdates of UpdateItem (PUT / ADD / DELETE; ADD also appends lists).
std::shared_ptr<const UpdatePlan> UpdateFromAttributeUpdates(const json::Value& updates);

// The operations whose expression and legacy parameters CheckExpressionParams knows.
enum class ParamSet {
  kGetItem,
  kBatchGetItemTable,
  kPutItem,
  kDeleteItem,
  kUpdateItem,
  kQuery,
  kScan
};
// The checks DynamoDB makes before looking at any expression, on a request object (or one table's
// entry of BatchGetItem's RequestItems):
//   "Can not use both expression and non-expression parameters in the same request:
//    Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
//   "ExpressionAttributeNames can only be specified when using expressions",
//   "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is
//   null".
void CheckExpressionParams(const json::Value& request, ParamSet params);

}  // namespace tideline::expr
