#pragma once
// A parsed PartiQL statement of DynamoDB's dialect, with its parameters already bound. Conditions
// and updates are the expression objects of src/expr (Condition, UpdatePlan), so a WHERE clause
// is evaluated and a SET applied by the same code as ConditionExpression and UpdateExpression.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "model/attribute_value.h"

namespace tideline::partiql {

enum class StatementKind { kSelect, kInsert, kUpdate, kDelete, kExists };

// RETURNING of UPDATE and DELETE.
enum class Returning { kNone, kAllOld, kModifiedOld, kAllNew, kModifiedNew };

struct OrderKey {
  std::string name;
  bool descending = false;
};

struct Statement {
  StatementKind kind = StatementKind::kSelect;
  std::string table;
  std::optional<std::string> index;  // SELECT ... FROM "table"."index"

  // SELECT and EXISTS(SELECT ...): the projected paths; none with `*`.
  bool select_all = false;
  std::vector<expr::Path> projection;
  std::vector<OrderKey> order_by;

  // WHERE of SELECT/UPDATE/DELETE; null when absent. The literals and parameters of the whole
  // statement live in its ValueTable (shared with `update`).
  std::shared_ptr<expr::Condition> where;

  model::Item item;                          // INSERT: the item
  std::shared_ptr<expr::UpdatePlan> update;  // UPDATE: the SET/REMOVE actions
  Returning returning = Returning::kNone;

  bool is_read() const { return kind == StatementKind::kSelect; }
};

// Parses `text` binding its `?` placeholders to `parameters` in order. Throws ValidationException
// with DynamoDB's messages: the "Statement wasn't well formed, can't be processed: ..." family,
// "Number of parameters in request and statement don't match.", "Aliasing is not supported",
// the FROM-path and RETURNING rules, and the number literal messages ("... under root").
Statement ParseStatement(std::string_view text,
                         const std::vector<model::AttributeValue>& parameters);

// Nesting of parentheses, function calls and literal collections deeper than this fails the
// statement before the parser's stack is at risk (DynamoDB itself caps attribute nesting at 32).
constexpr int kMaxNestingDepth = 64;

}  // namespace tideline::partiql
