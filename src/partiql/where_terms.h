#pragma once
// Reading a WHERE clause's terms (shared by plan.cc and key_overlap.cc): the operands of an AND
// or OR chain, and `attribute <op> value` comparisons whichever side the attribute is on.

#include <cstdint>
#include <string>
#include <vector>

#include "expr/expressions.h"

namespace tideline::partiql {

// The operands of the chain of `kind` (kAnd or kOr) rooted at `id`, flattened.
inline void Flatten(const expr::Tree& t, uint32_t id, expr::NodeKind kind,
                    std::vector<uint32_t>* out) {
  const expr::Node& n = t.nodes[id];
  if (n.kind != kind) {
    out->push_back(id);
    return;
  }
  for (uint32_t i = 0; i < n.child_count; ++i) Flatten(t, t.child(n, i), kind, out);
}

// `id` is the top-level attribute `name` itself.
inline bool IsAttribute(const expr::Tree& t, uint32_t id, const std::string& name) {
  const expr::Node& n = t.nodes[id];
  if (n.kind != expr::NodeKind::kPath) return false;
  const expr::Path& p = t.path(n);
  return p.size() == 1 && p[0].name == name;
}

inline bool IsValue(const expr::Tree& t, uint32_t id) {
  return t.nodes[id].kind == expr::NodeKind::kValue;
}

// `name <op> value` or `value <op> name` (op mirrored into *op): the value node, or -1.
inline int64_t ComparedValue(const expr::Tree& t, const expr::Node& n, const std::string& name,
                             expr::CompareOp* op) {
  using expr::CompareOp;
  const uint32_t a = t.child(n, 0), b = t.child(n, 1);
  *op = n.op;
  if (IsAttribute(t, a, name) && IsValue(t, b)) return b;
  if (IsAttribute(t, b, name) && IsValue(t, a)) {
    switch (n.op) {
      case CompareOp::kLt:
        *op = CompareOp::kGt;
        break;
      case CompareOp::kLe:
        *op = CompareOp::kGe;
        break;
      case CompareOp::kGt:
        *op = CompareOp::kLt;
        break;
      case CompareOp::kGe:
        *op = CompareOp::kLe;
        break;
      default:
        break;
    }
    return a;
  }
  return -1;
}

}  // namespace tideline::partiql
