// Evaluation of a parsed condition against an item, with DynamoDB's rules:
//  - a missing attribute is never equal to anything (not even another missing one), and is
//    "not equal" (<>) to everything;
//  - < <= > >= and BETWEEN compare only N, S or B values of the same type, otherwise false;
//  - IN is equality with any of the listed values (of any type);
//  - functions follow value_ops.h.

#include <algorithm>
#include <string>

#include "common/api_error.h"
#include "expr/ast.h"
#include "expr/expressions.h"
#include "expr/value_ops.h"
#include "model/decimal.h"

namespace tideline::expr {

using model::AttributeValue;

namespace {

class Evaluator {
 public:
  Evaluator(const Tree& tree, const model::Item* item) : t_(tree), item_(item) {}

  bool Eval(uint32_t id) const {
    const Node& n = t_.nodes[id];
    switch (n.kind) {
      case NodeKind::kAnd:
        return Eval(t_.child(n, 0)) && Eval(t_.child(n, 1));
      case NodeKind::kOr:
        return Eval(t_.child(n, 0)) || Eval(t_.child(n, 1));
      case NodeKind::kNot:
        return !Eval(t_.child(n, 0));
      case NodeKind::kCompare:
        return Compare(n);
      case NodeKind::kBetween:
        return Between(n);
      case NodeKind::kIn:
        return In(n);
      case NodeKind::kFunction:
        return EvalFunction(n);
      default:
        return false;
    }
  }

 private:
  // The value of an operand, or nullptr when it has none (a missing path, size() of a value
  // without a size). `scratch` holds computed values.
  const AttributeValue* Operand(uint32_t id, AttributeValue* scratch) const {
    const Node& n = t_.nodes[id];
    switch (n.kind) {
      case NodeKind::kPath:
        return FindPath(item_, t_.path(n));
      case NodeKind::kValue:
        return &t_.value(n);
      case NodeKind::kFunction: {
        if (n.function != Function::kSize) return nullptr;
        AttributeValue inner_scratch;
        const AttributeValue* v = Operand(t_.child(n, 0), &inner_scratch);
        size_t size = 0;
        if (!v || !SizeOf(*v, &size)) return nullptr;
        *scratch = AttributeValue::Number(std::to_string(size));
        return scratch;
      }
      case NodeKind::kPlus:
      case NodeKind::kMinus:
        return Arithmetic(n, scratch);
      default:
        return nullptr;
    }
  }

  // a + b, a - b of two numbers (PartiQL's WHERE; expressions have no arithmetic in conditions).
  // No value (so every comparison with it is false) for other types or a result out of range.
  const AttributeValue* Arithmetic(const Node& n, AttributeValue* scratch) const {
    AttributeValue sa, sb;
    const AttributeValue* a = Operand(t_.child(n, 0), &sa);
    const AttributeValue* b = Operand(t_.child(n, 1), &sb);
    if (!a || !b || a->type != model::AvType::kN || b->type != model::AvType::kN) return nullptr;
    std::string error;
    auto da = model::Decimal::Parse(a->scalar, &error);
    auto db = model::Decimal::Parse(b->scalar, &error);
    if (!da || !db) return nullptr;
    auto r = n.kind == NodeKind::kPlus ? model::Decimal::Add(*da, *db, &error)
                                       : model::Decimal::Subtract(*da, *db, &error);
    if (!r) return nullptr;
    *scratch = AttributeValue::Number(r->ToString());
    return scratch;
  }

  static bool Ordered(const AttributeValue* a, const AttributeValue* b) {
    return a && b && a->type == b->type && IsOrderedType(a->type);
  }

  bool Compare(const Node& n) const {
    AttributeValue s1, s2;
    const AttributeValue* a = Operand(t_.child(n, 0), &s1);
    const AttributeValue* b = Operand(t_.child(n, 1), &s2);
    switch (n.op) {
      case CompareOp::kEq:
        return a && b && *a == *b;
      case CompareOp::kNe:
        return !a || !b || !(*a == *b);
      default:
        break;
    }
    if (!Ordered(a, b)) return false;
    int c = CompareScalars(*a, *b);
    switch (n.op) {
      case CompareOp::kLt:
        return c < 0;
      case CompareOp::kLe:
        return c <= 0;
      case CompareOp::kGt:
        return c > 0;
      case CompareOp::kGe:
        return c >= 0;
      default:
        return false;
    }
  }

  bool Between(const Node& n) const {
    AttributeValue s1, s2, s3;
    const AttributeValue* x = Operand(t_.child(n, 0), &s1);
    const AttributeValue* lo = Operand(t_.child(n, 1), &s2);
    const AttributeValue* hi = Operand(t_.child(n, 2), &s3);
    if (!Ordered(x, lo) || !Ordered(x, hi)) return false;
    return CompareScalars(*lo, *x) <= 0 && CompareScalars(*x, *hi) <= 0;
  }

  bool In(const Node& n) const {
    AttributeValue s1;
    const AttributeValue* x = Operand(t_.child(n, 0), &s1);
    if (!x) return false;
    for (uint32_t i = 1; i < n.child_count; ++i) {
      AttributeValue s2;
      const AttributeValue* v = Operand(t_.child(n, i), &s2);
      if (v && *x == *v) return true;
    }
    return false;
  }

  bool EvalFunction(const Node& n) const {
    AttributeValue s1, s2;
    switch (n.function) {
      case Function::kAttributeExists:
        return Operand(t_.child(n, 0), &s1) != nullptr;
      case Function::kAttributeNotExists:
        return Operand(t_.child(n, 0), &s1) == nullptr;
      case Function::kAttributeType: {
        const AttributeValue* v = Operand(t_.child(n, 0), &s1);
        const AttributeValue* type = Operand(t_.child(n, 1), &s2);
        return v && type && type->type == model::AvType::kS &&
               type->scalar == model::AvTypeName(v->type);
      }
      case Function::kBeginsWith: {
        const AttributeValue* v = Operand(t_.child(n, 0), &s1);
        const AttributeValue* prefix = Operand(t_.child(n, 1), &s2);
        return v && prefix && BeginsWith(*v, *prefix);
      }
      case Function::kContains: {
        const AttributeValue* v = Operand(t_.child(n, 0), &s1);
        const AttributeValue* e = Operand(t_.child(n, 1), &s2);
        return v && e && Contains(*v, *e);
      }
      case Function::kLegacyNotContains: {
        // Expected/QueryFilter NOT_CONTAINS is false for a missing attribute, unlike NOT
        // contains(): test_expected.py::test_update_expected_1_not_contains.
        const AttributeValue* v = Operand(t_.child(n, 0), &s1);
        const AttributeValue* e = Operand(t_.child(n, 1), &s2);
        return v && e && !Contains(*v, *e);
      }
      default:
        return false;
    }
  }

  const Tree& t_;
  const model::Item* item_;
};

}  // namespace

bool EvaluateCondition(const Condition& c, const model::Item* item) {
  if (c.tree.nodes.empty()) return true;
  return Evaluator(c.tree, item).Eval(c.root);
}

void CheckFilterUsesNoKeyAttributes(const Condition& filter, const model::KeySchema& schema) {
  std::vector<std::string> key_names{schema.hash_name};
  if (schema.has_range()) key_names.push_back(schema.range_name);
  CheckFilterUsesNoKeyAttributes(filter, key_names);
}

void CheckFilterUsesNoKeyAttributes(const Condition& filter,
                                    const std::vector<std::string>& key_names) {
  for (const Path& p : filter.tree.paths) {
    const std::string& name = p[0].name;
    if (std::find(key_names.begin(), key_names.end(), name) == key_names.end()) continue;
    if (filter.origin == Condition::Origin::kQueryFilter) {
      throw ApiError::Validation(
          "QueryFilter can only contain non-key attributes: Primary key attribute: " + name);
    }
    throw ApiError::Validation(
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: " +
        name);
  }
}

std::vector<std::string> ConditionTopLevelNames(const Condition& c) {
  std::vector<std::string> names;
  for (const Path& p : c.tree.paths) {
    if (std::find(names.begin(), names.end(), p[0].name) == names.end()) names.push_back(p[0].name);
  }
  return names;
}

}  // namespace tideline::expr
