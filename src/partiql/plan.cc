#include "partiql/plan.h"

#include <algorithm>

#include "expr/value_ops.h"
#include "partiql/errors.h"
#include "partiql/where_terms.h"

namespace tideline::partiql {

namespace {

using expr::CompareOp;
using expr::Node;
using expr::NodeKind;
using RangeOp = expr::KeyCondition::RangeOp;

std::vector<uint32_t> Conjuncts(const expr::Condition& c) {
  std::vector<uint32_t> out;
  if (!c.tree.nodes.empty()) Flatten(c.tree, c.root, NodeKind::kAnd, &out);
  return out;
}

// The values `id` pins `name` to (= or IN, or an OR of those); false when it is anything else.
bool PinnedValues(const expr::Tree& t, uint32_t id, const std::string& name,
                  std::vector<model::AttributeValue>* values) {
  const Node& n = t.nodes[id];
  if (n.kind == NodeKind::kCompare) {
    CompareOp op;
    int64_t v = ComparedValue(t, n, name, &op);
    if (v < 0 || op != CompareOp::kEq) return false;
    values->push_back(t.value(t.nodes[v]));
    return true;
  }
  if (n.kind == NodeKind::kIn) {
    if (!IsAttribute(t, t.child(n, 0), name)) return false;
    for (uint32_t i = 1; i < n.child_count; ++i) values->push_back(t.value(t.nodes[t.child(n, i)]));
    return true;
  }
  if (n.kind == NodeKind::kOr) {
    std::vector<uint32_t> branches;
    Flatten(t, id, NodeKind::kOr, &branches);
    for (uint32_t b : branches) {
      if (t.nodes[b].kind == NodeKind::kOr || !PinnedValues(t, b, name, values)) return false;
    }
    return true;
  }
  return false;
}

bool RangeCondition(const expr::Tree& t, uint32_t id, const std::string& name, KeyPredicates* out) {
  const Node& n = t.nodes[id];
  if (n.kind == NodeKind::kCompare && n.op != CompareOp::kNe) {
    CompareOp op;
    int64_t v = ComparedValue(t, n, name, &op);
    if (v < 0) return false;
    static constexpr RangeOp kOps[] = {RangeOp::kEq, RangeOp::kNone, RangeOp::kLt,
                                       RangeOp::kLe, RangeOp::kGt,   RangeOp::kGe};
    out->range_op = kOps[static_cast<int>(op)];
    out->value1 = t.value(t.nodes[v]);
    return true;
  }
  if (n.kind == NodeKind::kBetween && IsAttribute(t, t.child(n, 0), name) &&
      IsValue(t, t.child(n, 1)) && IsValue(t, t.child(n, 2))) {
    out->value1 = t.value(t.nodes[t.child(n, 1)]);
    out->value2 = t.value(t.nodes[t.child(n, 2)]);
    // Bounds out of order select nothing here (the WHERE is false for every item), where a
    // Query's KeyConditionExpression would be refused.
    if (out->value1.type != out->value2.type ||
        expr::CompareScalars(out->value1, out->value2) > 0) {
      return false;
    }
    out->range_op = RangeOp::kBetween;
    return true;
  }
  if (n.kind == NodeKind::kFunction && n.function == expr::Function::kBeginsWith &&
      IsAttribute(t, t.child(n, 0), name) && IsValue(t, t.child(n, 1))) {
    out->range_op = RangeOp::kBeginsWith;
    out->value1 = t.value(t.nodes[t.child(n, 1)]);
    return true;
  }
  return false;
}

}  // namespace

KeyPredicates FindKeyPredicates(const expr::Condition* where, const std::string& hash_name,
                                const std::string& range_name) {
  KeyPredicates out;
  if (!where) return out;
  const expr::Tree& t = where->tree;
  bool have_hash = false, have_range = false;
  for (uint32_t id : Conjuncts(*where)) {
    std::vector<model::AttributeValue> values;
    if (!have_hash && PinnedValues(t, id, hash_name, &values)) {
      have_hash = true;
      for (auto& v : values) {
        if (std::find(out.hash_values.begin(), out.hash_values.end(), v) == out.hash_values.end())
          out.hash_values.push_back(std::move(v));
      }
      continue;
    }
    if (!have_range && !range_name.empty()) have_range = RangeCondition(t, id, range_name, &out);
  }
  return out;
}

std::optional<model::Item> SingleItemKey(const expr::Condition* where, const std::string& hash_name,
                                         const std::string& range_name) {
  if (!where) return std::nullopt;
  const expr::Tree& t = where->tree;
  model::Item key;
  for (uint32_t id : Conjuncts(*where)) {
    const Node& n = t.nodes[id];
    if (n.kind != NodeKind::kCompare) continue;
    for (const std::string* name : {&hash_name, &range_name}) {
      if (name->empty()) continue;
      CompareOp op;
      int64_t v = ComparedValue(t, n, *name, &op);
      if (v < 0 || op != CompareOp::kEq) continue;
      if (!key.emplace(*name, t.value(t.nodes[v])).second) {
        // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
        Invalid("Multiple conditions on same key " + *name +
                ". Only single item Update/Insert/Delete are supported");
      }
    }
  }
  if (!key.count(hash_name) || (!range_name.empty() && !key.count(range_name))) return std::nullopt;
  return key;
}

namespace {

void CollectNames(const expr::Tree& t, uint32_t id, std::vector<std::string>* names) {
  const Node& n = t.nodes[id];
  if (n.kind == NodeKind::kPath) {
    const std::string& name = t.path(n)[0].name;
    if (std::find(names->begin(), names->end(), name) == names->end()) names->push_back(name);
    return;
  }
  for (uint32_t i = 0; i < n.child_count; ++i) CollectNames(t, t.child(n, i), names);
}

}  // namespace

std::vector<std::string> ConjunctAttributeNames(const expr::Condition* where) {
  std::vector<std::string> names;
  if (!where) return names;
  for (uint32_t id : Conjuncts(*where)) {
    if (where->tree.nodes[id].kind != NodeKind::kOr) CollectNames(where->tree, id, &names);
  }
  return names;
}

bool WhereIsOnlyKeyEqualities(const expr::Condition* where, const std::string& hash_name,
                              const std::string& range_name) {
  if (!where) return true;
  const expr::Tree& t = where->tree;
  for (uint32_t id : Conjuncts(*where)) {
    const Node& n = t.nodes[id];
    if (n.kind != NodeKind::kCompare) return false;
    bool key = false;
    for (const std::string* name : {&hash_name, &range_name}) {
      CompareOp op;
      if (!name->empty() && ComparedValue(t, n, *name, &op) >= 0 && op == CompareOp::kEq)
        key = true;
    }
    if (!key) return false;
  }
  return true;
}

std::shared_ptr<const expr::Condition> WriteCondition(const Statement& st,
                                                      const std::string& hash_name) {
  auto c = std::make_shared<expr::Condition>();
  if (st.where) *c = *st.where;
  if (!c->tree.values) c->tree.values = std::make_shared<expr::ValueTable>();
  expr::Tree& t = c->tree;
  const bool insert_or_delete =
      st.kind == StatementKind::kInsert || st.kind == StatementKind::kDelete;
  Node f;
  f.kind = NodeKind::kFunction;
  f.function =
      insert_or_delete ? expr::Function::kAttributeNotExists : expr::Function::kAttributeExists;
  const uint32_t test = t.Add(f, {t.AddPath({expr::PathElement{hash_name}})});
  if (!st.where) {
    c->root = test;
    return c;
  }
  Node join;
  join.kind = st.kind == StatementKind::kDelete ? NodeKind::kOr : NodeKind::kAnd;
  c->root = t.Add(join, {test, st.where->root});
  return c;
}

model::Item SelectRow(const Statement& st, const model::Item& item) {
  if (st.select_all) return item;
  model::Item row;
  for (const expr::Path& path : st.projection) {
    const model::AttributeValue* v = expr::FindPath(&item, path);
    if (!v) continue;
    // The last name step, with the list indexes that follow it.
    size_t last_name = path.size() - 1;
    while (last_name > 0 && path[last_name].is_index()) --last_name;
    std::string name = path[last_name].name;
    for (size_t i = last_name + 1; i < path.size(); ++i)
      name += "[" + std::to_string(path[i].index) + "]";
    row.insert_or_assign(std::move(name), *v);
  }
  return row;
}

}  // namespace tideline::partiql
