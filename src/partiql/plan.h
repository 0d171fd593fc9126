#pragma once
// What a statement means for the table it names: which key values its WHERE pins (so that a
// SELECT reads partitions instead of scanning, shared/spec/partiql-backups.md §2.1), the key of
// the one item a write touches, the condition a write runs under, and the shape of SELECT's rows.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "expr/expressions.h"
#include "model/attribute_value.h"
#include "partiql/statement.h"

namespace tideline::partiql {

// The key conditions among the top-level AND terms of a WHERE clause.
struct KeyPredicates {
  // Partition key values named by `=`, `IN [...]` or an OR of `=` (deduplicated, in statement
  // order); empty: the statement gives no partition key, the SELECT is a scan.
  std::vector<model::AttributeValue> hash_values;
  // A condition on the sort key that narrows each partition (the WHERE is still evaluated on
  // every item read, so this is only a range to read).
  expr::KeyCondition::RangeOp range_op = expr::KeyCondition::RangeOp::kNone;
  model::AttributeValue value1, value2;
};
KeyPredicates FindKeyPredicates(const expr::Condition* where, const std::string& hash_name,
                                const std::string& range_name);

// The key map of the single item the WHERE names by `=` on every key attribute (`range_name`
// empty: a table without sort key); nullopt when it does not. Throws "Multiple conditions on same
// key <name>. Only single item Update/Insert/Delete are supported" for two on one attribute.
std::optional<model::Item> SingleItemKey(const expr::Condition* where, const std::string& hash_name,
                                         const std::string& range_name);

// The top-level attribute names read by the top-level AND terms of `where` that are not ORs
// (what a keyed index read refuses when its index does not project them).
std::vector<std::string> ConjunctAttributeNames(const expr::Condition* where);

// True when every top-level AND term of `where` is an equality on `hash_name` or `range_name`
// (so an item found by that key satisfies it without evaluation).
bool WhereIsOnlyKeyEqualities(const expr::Condition* where, const std::string& hash_name,
                              const std::string& range_name);

// The condition an INSERT, UPDATE, DELETE or EXISTS runs under, as a ConditionExpression:
//   INSERT: attribute_not_exists(hash) (a failure is DuplicateItemException)
//   UPDATE and EXISTS: attribute_exists(hash) AND <where> (an UPDATE is not an upsert)
//   DELETE: attribute_not_exists(hash) OR <where> (a missing item deletes nothing, successfully)
std::shared_ptr<const expr::Condition> WriteCondition(const Statement& st,
                                                      const std::string& hash_name);

// A SELECT's row for `item`: the item (`*`), or each projected path that resolves, named by its
// last step (SELECT a.b returns {"b": ...}; a path ending in list indexes keeps them: "c[0]").
model::Item SelectRow(const Statement& st, const model::Item& item);

}  // namespace tideline::partiql
