// Applying an UpdatePlan to an item, with DynamoDB's semantics:
//  - every SET right-hand side is read from the old item before anything is written
//    ("SET x = :v, y = x" copies the old x; test_update_expression.py::
//    test_update_expression_set_copy);
//  - list indexes refer to positions in the old item: SETs are applied in path order (so that
//    several indexes past the end append in index order), REMOVEs last and from the highest
//    index down (test_update_expression_nested_remove_list_item_original_number);
//  - SET on an index past the end of a list appends;
//  - DELETE that empties a set removes the attribute.

#include <algorithm>
#include <string>

#include "common/api_error.h"
#include "expr/ast.h"
#include "expr/expressions.h"
#include "expr/value_ops.h"
#include "model/decimal.h"

namespace tideline::expr {

using model::AttributeValue;
using model::AvType;

namespace {

constexpr char kMissingAttribute[] =
    "The provided expression refers to an attribute that does not exist in the item";
constexpr char kBadOperandType[] = "An operand in the update expression has an incorrect data type";
constexpr char kBadPath[] =
    "The document path provided in the update expression is invalid for update";
constexpr char kLegacyTypeMismatch[] = "Type mismatch for attribute to update";

[[noreturn]] void Invalid(const char* message) { throw ApiError::Validation(message); }

AttributeValue EvalValue(const Tree& t, uint32_t id, const model::Item& old) {
  const Node& n = t.nodes[id];
  switch (n.kind) {
    case NodeKind::kValue:
      return t.value(n);
    case NodeKind::kPath: {
      const AttributeValue* v = FindPath(&old, t.path(n));
      if (!v) Invalid(kMissingAttribute);
      return *v;
    }
    case NodeKind::kFunction:
      if (n.function == Function::kIfNotExists) {
        const AttributeValue* v = FindPath(&old, t.path(t.nodes[t.child(n, 0)]));
        if (v) return *v;
        return EvalValue(t, t.child(n, 1), old);
      }
      if (n.function == Function::kListAppend) {
        AttributeValue a = EvalValue(t, t.child(n, 0), old);
        if (a.type != AvType::kL) Invalid(kBadOperandType);
        AttributeValue b = EvalValue(t, t.child(n, 1), old);
        if (b.type != AvType::kL) Invalid(kBadOperandType);
        a.list.insert(a.list.end(), std::make_move_iterator(b.list.begin()),
                      std::make_move_iterator(b.list.end()));
        return a;
      }
      Invalid(kBadOperandType);
    case NodeKind::kPlus:
    case NodeKind::kMinus: {
      AttributeValue a = EvalValue(t, t.child(n, 0), old);
      if (a.type != AvType::kN) Invalid(kBadOperandType);
      AttributeValue b = EvalValue(t, t.child(n, 1), old);
      if (b.type != AvType::kN) Invalid(kBadOperandType);
      std::string error;
      auto da = model::Decimal::Parse(a.scalar, &error);
      auto db = model::Decimal::Parse(b.scalar, &error);
      if (!da || !db) throw ApiError::Validation(error);
      auto r = n.kind == NodeKind::kPlus ? model::Decimal::Add(*da, *db, &error)
                                         : model::Decimal::Subtract(*da, *db, &error);
      if (!r) throw ApiError::Validation(error);
      return AttributeValue::Number(r->ToString());
    }
    default:
      Invalid(kBadOperandType);
  }
}

// The value at the first `length` elements of `path`, or nullptr.
AttributeValue* FindMutable(model::Item* item, const Path& path, size_t length) {
  return const_cast<AttributeValue*>(FindPathPrefix(item, path, length));
}

// Where a write to `path` goes: *existing is the current value (or null); the returned parent is
// null for a top-level attribute. Throws kBadPath when the parent does not exist or has the
// wrong type for the last step.
AttributeValue* Locate(model::Item* item, const Path& path, AttributeValue** existing) {
  if (path.size() == 1) {
    auto it = item->find(path[0].name);
    *existing = it == item->end() ? nullptr : &it->second;
    return nullptr;
  }
  AttributeValue* parent = FindMutable(item, path, path.size() - 1);
  if (!parent) Invalid(kBadPath);
  const PathElement& last = path.back();
  if (last.is_index()) {
    if (parent->type != AvType::kL) Invalid(kBadPath);
    *existing =
        static_cast<size_t>(last.index) < parent->list.size() ? &parent->list[last.index] : nullptr;
  } else {
    if (parent->type != AvType::kM) Invalid(kBadPath);
    auto it = parent->map.find(last.name);
    *existing = it == parent->map.end() ? nullptr : &it->second;
  }
  return parent;
}

void Store(model::Item* item, AttributeValue* parent, const Path& path, AttributeValue value) {
  const PathElement& last = path.back();
  if (!parent) {
    (*item)[last.name] = std::move(value);
  } else if (last.is_index()) {
    if (static_cast<size_t>(last.index) < parent->list.size()) {
      parent->list[last.index] = std::move(value);
    } else {
      parent->list.push_back(std::move(value));
    }
  } else {
    parent->map[last.name] = std::move(value);
  }
}

void Set(model::Item* item, const Path& path, AttributeValue value) {
  AttributeValue* existing = nullptr;
  AttributeValue* parent = Locate(item, path, &existing);
  Store(item, parent, path, std::move(value));
}

void Remove(model::Item* item, const Path& path, bool item_existed) {
  if (path.size() == 1) {
    item->erase(path[0].name);
    return;
  }
  AttributeValue* parent = FindMutable(item, path, path.size() - 1);
  if (!parent) {
    // test_update_expression.py::test_nested_attribute_remove_from_missing_item
    if (!item_existed) return;
    Invalid(kBadPath);
  }
  const PathElement& last = path.back();
  if (last.is_index()) {
    if (parent->type != AvType::kL) Invalid(kBadPath);
    if (static_cast<size_t>(last.index) < parent->list.size()) {
      parent->list.erase(parent->list.begin() + last.index);
    }
  } else {
    if (parent->type != AvType::kM) Invalid(kBadPath);
    parent->map.erase(last.name);
  }
}

bool SetHas(const AttributeValue& set, const std::string& element) {
  AttributeValue probe;
  probe.type =
      set.type == AvType::kNS ? AvType::kN : (set.type == AvType::kSS ? AvType::kS : AvType::kB);
  probe.scalar = element;
  return Contains(set, probe);
}

void AddNumbers(AttributeValue* existing, const AttributeValue& delta) {
  std::string error;
  auto a = model::Decimal::Parse(existing->scalar, &error);
  auto b = model::Decimal::Parse(delta.scalar, &error);
  if (!a || !b) throw ApiError::Validation(error);
  auto sum = model::Decimal::Add(*a, *b, &error);
  if (!sum) throw ApiError::Validation(error);
  existing->scalar = sum->ToString();
}

void Union(AttributeValue* existing, const AttributeValue& add) {
  for (const std::string& e : add.set) {
    if (!SetHas(*existing, e)) existing->set.push_back(e);
  }
}

// Removes the elements of `remove` from the set; true when the set became empty.
bool Subtract(AttributeValue* existing, const AttributeValue& remove) {
  auto& s = existing->set;
  s.erase(
      std::remove_if(s.begin(), s.end(), [&](const std::string& e) { return SetHas(remove, e); }),
      s.end());
  return s.empty();
}

void Add(model::Item* item, const Path& path, const AttributeValue& v, bool legacy) {
  AttributeValue* existing = nullptr;
  AttributeValue* parent = Locate(item, path, &existing);
  if (!existing) {
    Store(item, parent, path, v);
    return;
  }
  const char* mismatch = legacy ? kLegacyTypeMismatch : kBadOperandType;
  if (v.type == AvType::kN) {
    if (existing->type != AvType::kN) Invalid(mismatch);
    AddNumbers(existing, v);
  } else if (v.is_set()) {
    if (existing->type != v.type) Invalid(mismatch);
    Union(existing, v);
  } else if (legacy && v.type == AvType::kL) {
    // AttributeUpdates ADD appends to lists (UpdateExpression ADD does not take lists).
    if (existing->type != AvType::kL) Invalid(mismatch);
    existing->list.insert(existing->list.end(), v.list.begin(), v.list.end());
  } else {
    Invalid(mismatch);
  }
}

// True when the set became empty and the attribute must go.
bool Delete(model::Item* item, const Path& path, const AttributeValue& v, bool legacy) {
  AttributeValue* existing = nullptr;
  Locate(item, path, &existing);
  if (!existing) return false;
  if (existing->type != v.type) Invalid(legacy ? kLegacyTypeMismatch : kBadOperandType);
  return Subtract(existing, v);
}

int ComparePaths(const Path& a, const Path& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const PathElement& x = a[i];
    const PathElement& y = b[i];
    if (x.is_index() != y.is_index()) return x.is_index() ? 1 : -1;
    if (x.is_index()) {
      if (x.index != y.index) return x.index < y.index ? -1 : 1;
    } else if (int c = x.name.compare(y.name); c != 0) {
      return c;
    }
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

void CheckUpdateKeys(const UpdatePlan& plan, const model::KeySchema& schema) {
  for (const UpdateAction& a : plan.actions) {
    const std::string& name = plan.tree.paths[a.path][0].name;
    if (name == schema.hash_name || (schema.has_range() && name == schema.range_name)) {
      throw ApiError::Validation(
          "One or more parameter values were invalid: Cannot update "
          "attribute " +
          name + ". This attribute is part of the key");
    }
  }
}

void ApplyUpdate(const UpdatePlan& plan, const model::KeySchema& schema, model::Item* item,
                 std::vector<std::string>* updated, bool item_existed) {
  CheckUpdateKeys(plan, schema);
  if (item->empty()) item_existed = false;
  const Tree& t = plan.tree;
  const size_t n = plan.actions.size();

  // Reads first: every SET value comes from the old item.
  std::vector<AttributeValue> set_values(n);
  std::vector<uint32_t> sets, others, removes;
  for (uint32_t i = 0; i < n; ++i) {
    const UpdateAction& a = plan.actions[i];
    switch (a.kind) {
      case ActionKind::kSet:
        set_values[i] = EvalValue(t, a.node, *item);
        sets.push_back(i);
        break;
      case ActionKind::kRemove:
        removes.push_back(i);
        break;
      default:
        others.push_back(i);
        break;
    }
  }
  auto path_of = [&](uint32_t i) -> const Path& { return t.paths[plan.actions[i].path]; };
  std::stable_sort(sets.begin(), sets.end(), [&](uint32_t a, uint32_t b) {
    return ComparePaths(path_of(a), path_of(b)) < 0;
  });
  for (uint32_t i : sets) Set(item, path_of(i), std::move(set_values[i]));

  for (uint32_t i : others) {
    const UpdateAction& a = plan.actions[i];
    const AttributeValue& v = t.value(t.nodes[a.node]);
    const bool legacy = a.kind == ActionKind::kLegacyAdd || a.kind == ActionKind::kLegacyDelete;
    if (a.kind == ActionKind::kAdd || a.kind == ActionKind::kLegacyAdd) {
      Add(item, path_of(i), v, legacy);
    } else if (Delete(item, path_of(i), v, legacy)) {
      removes.push_back(i);  // the set became empty: the attribute goes
    }
  }

  std::sort(removes.begin(), removes.end(),
            [&](uint32_t a, uint32_t b) { return ComparePaths(path_of(a), path_of(b)) > 0; });
  for (uint32_t i : removes) Remove(item, path_of(i), item_existed);

  if (updated) {
    updated->clear();
    for (const UpdateAction& a : plan.actions) {
      const std::string& name = t.paths[a.path][0].name;
      if (std::find(updated->begin(), updated->end(), name) == updated->end()) {
        updated->push_back(name);
      }
    }
  }
}

std::shared_ptr<const Projection> UpdatedPaths(const UpdatePlan& plan) {
  std::vector<Path> paths;
  paths.reserve(plan.actions.size());
  for (const UpdateAction& a : plan.actions) paths.push_back(plan.tree.paths[a.path]);
  return MakeProjection(std::move(paths));
}

bool UpdateOnlyRemoves(const UpdatePlan& plan) {
  // An empty AttributeUpdates still creates the item (test_returnvalues.py::
  // test_update_item_returnvalues_all_new).
  if (plan.actions.empty()) return false;
  for (const UpdateAction& a : plan.actions) {
    if (a.kind != ActionKind::kRemove && a.kind != ActionKind::kDelete &&
        a.kind != ActionKind::kLegacyDelete) {
      return false;
    }
  }
  return true;
}

}  // namespace tideline::expr
