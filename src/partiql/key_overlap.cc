#include "partiql/key_overlap.h"

#include <optional>
#include <vector>

#include "expr/value_ops.h"
#include "partiql/errors.h"
#include "partiql/where_terms.h"

namespace tideline::partiql {

namespace {

using expr::CompareOp;
using expr::Node;
using expr::NodeKind;
using model::AttributeValue;

// A WHERE whose disjunctive form has more branches than this is not checked (DynamoDB would
// refuse it anyway for too many decomposed reads).
constexpr size_t kMaxBranches = 1024;

struct Keys {
  const std::string& hash;
  const std::string& range;
};

// One term of a branch; `in_value` >= 1: the branch takes that value of a key's IN list.
struct Leaf {
  uint32_t node;
  uint32_t in_value = 0;
};
using Branch = std::vector<Leaf>;

bool Mentions(const expr::Tree& t, uint32_t id, const std::string& name) {
  const Node& n = t.nodes[id];
  if (n.kind == NodeKind::kPath) return t.path(n)[0].name == name;
  for (uint32_t i = 0; i < n.child_count; ++i) {
    if (Mentions(t, t.child(n, i), name)) return true;
  }
  return false;
}
bool MentionsKey(const expr::Tree& t, uint32_t id, const Keys& k) {
  return Mentions(t, id, k.hash) || (!k.range.empty() && Mentions(t, id, k.range));
}

// The branches of `id`'s disjunctive form: ORs that involve a key are split, AND distributes
// over them, a key's IN list is one branch per value; false past kMaxBranches.
bool Branches(const expr::Tree& t, uint32_t id, const Keys& k, std::vector<Branch>* out) {
  const Node& n = t.nodes[id];
  if (n.kind == NodeKind::kOr && MentionsKey(t, id, k)) {
    std::vector<uint32_t> operands;
    Flatten(t, id, NodeKind::kOr, &operands);
    for (uint32_t operand : operands) {
      std::vector<Branch> sub;
      if (!Branches(t, operand, k, &sub) || out->size() + sub.size() > kMaxBranches) return false;
      out->insert(out->end(), sub.begin(), sub.end());
    }
    return true;
  }
  if (n.kind == NodeKind::kAnd) {
    std::vector<uint32_t> operands;
    Flatten(t, id, NodeKind::kAnd, &operands);
    std::vector<Branch> product{Branch{}};
    for (uint32_t operand : operands) {
      std::vector<Branch> sub;
      if (!Branches(t, operand, k, &sub) || product.size() * sub.size() > kMaxBranches) {
        return false;
      }
      std::vector<Branch> next;
      for (const Branch& a : product) {
        for (const Branch& b : sub) {
          next.push_back(a);
          next.back().insert(next.back().end(), b.begin(), b.end());
        }
      }
      product = std::move(next);
    }
    out->insert(out->end(), product.begin(), product.end());
    return true;
  }
  if (n.kind == NodeKind::kIn && (IsAttribute(t, t.child(n, 0), k.hash) ||
                                  (!k.range.empty() && IsAttribute(t, t.child(n, 0), k.range)))) {
    if (out->size() + n.child_count - 1 > kMaxBranches) return false;
    for (uint32_t i = 1; i < n.child_count; ++i) out->push_back(Branch{Leaf{id, i}});
    return true;
  }
  out->push_back(Branch{Leaf{id}});
  return true;
}

// Sort-key values a branch reads, between optional bounds.
struct Range {
  std::optional<AttributeValue> lower, upper;
  bool lower_inclusive = true, upper_inclusive = true;
};

Range Point(const AttributeValue& v) { return Range{v, v, true, true}; }

// The first value after every string/binary starting with `prefix` (none: unbounded).
std::optional<AttributeValue> PrefixEnd(AttributeValue prefix) {
  std::string& bytes = prefix.scalar;
  while (!bytes.empty() && static_cast<unsigned char>(bytes.back()) == 0xff) bytes.pop_back();
  if (bytes.empty()) return std::nullopt;
  bytes.back() = static_cast<char>(static_cast<unsigned char>(bytes.back()) + 1);
  return prefix;
}

// <0, 0, >0; nullopt when the two cannot be ordered against each other.
std::optional<int> Compare(const AttributeValue& a, const AttributeValue& b) {
  if (a.type != b.type || !expr::IsOrderedType(a.type)) return std::nullopt;
  return expr::CompareScalars(a, b);
}

// `lower` does not pass `upper` (an absent bound is infinite); false when they cannot be
// compared (values of different types make no certain overlap).
bool NotPast(const std::optional<AttributeValue>& lower, bool lower_inclusive,
             const std::optional<AttributeValue>& upper, bool upper_inclusive) {
  if (!lower || !upper) return true;
  std::optional<int> c = Compare(*lower, *upper);
  return c && (*c < 0 || (*c == 0 && lower_inclusive && upper_inclusive));
}

// True only when some sort-key value is certainly in both ranges: each is non-empty and each
// starts before the other ends.
bool Overlap(const Range& a, const Range& b) {
  return NotPast(a.lower, a.lower_inclusive, a.upper, a.upper_inclusive) &&
         NotPast(b.lower, b.lower_inclusive, b.upper, b.upper_inclusive) &&
         NotPast(a.lower, a.lower_inclusive, b.upper, b.upper_inclusive) &&
         NotPast(b.lower, b.lower_inclusive, a.upper, a.upper_inclusive);
}

struct KeyedRead {
  AttributeValue partition;
  Range range;
};

// The keyed read a branch stands for; false when the branch does not pin the partition key by
// `=`, or conditions the sort key in a way that is not a range (NOT, <>, a function other than
// begins_with, two conditions): then DynamoDB does not decompose the statement.
bool AsKeyedRead(const expr::Tree& t, const Branch& branch, const Keys& k, KeyedRead* out) {
  bool have_partition = false, have_range = false;
  for (const Leaf& leaf : branch) {
    const Node& n = t.nodes[leaf.node];
    if (leaf.in_value > 0) {
      const AttributeValue& v = t.value(t.nodes[t.child(n, leaf.in_value)]);
      const bool hash = IsAttribute(t, t.child(n, 0), k.hash);
      if (hash ? have_partition : have_range) return false;
      (hash ? have_partition : have_range) = true;
      if (hash)
        out->partition = v;
      else
        out->range = Point(v);
      continue;
    }
    CompareOp op;
    if (n.kind == NodeKind::kCompare) {
      if (int64_t v = ComparedValue(t, n, k.hash, &op); v >= 0) {
        if (op != CompareOp::kEq) continue;  // a filter on the partition key
        if (have_partition) return false;
        have_partition = true;
        out->partition = t.value(t.nodes[v]);
        continue;
      }
      if (int64_t v = k.range.empty() ? -1 : ComparedValue(t, n, k.range, &op); v >= 0) {
        if (op == CompareOp::kNe || have_range) return false;
        have_range = true;
        const AttributeValue& value = t.value(t.nodes[v]);
        switch (op) {
          case CompareOp::kEq:
            out->range = Point(value);
            break;
          case CompareOp::kLt:
          case CompareOp::kLe:
            out->range.upper = value;
            out->range.upper_inclusive = op == CompareOp::kLe;
            break;
          default:
            out->range.lower = value;
            out->range.lower_inclusive = op == CompareOp::kGe;
            break;
        }
        continue;
      }
    } else if (!k.range.empty() && n.kind == NodeKind::kBetween &&
               IsAttribute(t, t.child(n, 0), k.range) && IsValue(t, t.child(n, 1)) &&
               IsValue(t, t.child(n, 2))) {
      if (have_range) return false;
      have_range = true;
      out->range =
          Range{t.value(t.nodes[t.child(n, 1)]), t.value(t.nodes[t.child(n, 2)]), true, true};
      continue;
    } else if (!k.range.empty() && n.kind == NodeKind::kFunction &&
               n.function == expr::Function::kBeginsWith &&
               IsAttribute(t, t.child(n, 0), k.range) && IsValue(t, t.child(n, 1))) {
      const AttributeValue& prefix = t.value(t.nodes[t.child(n, 1)]);
      if (have_range || (prefix.type != model::AvType::kS && prefix.type != model::AvType::kB)) {
        return false;
      }
      have_range = true;
      out->range.lower = prefix;
      out->range.upper = PrefixEnd(prefix);
      out->range.upper_inclusive = false;
      continue;
    }
    if (!k.range.empty() && Mentions(t, leaf.node, k.range)) return false;
  }
  return have_partition;
}

}  // namespace

void CheckKeyReadsDoNotOverlap(const expr::Condition* where, const std::string& hash_name,
                               const std::string& range_name) {
  if (!where || where->tree.nodes.empty()) return;
  const Keys keys{hash_name, range_name};
  std::vector<Branch> branches;
  if (!Branches(where->tree, where->root, keys, &branches) || branches.size() < 2) return;
  std::vector<KeyedRead> reads(branches.size());
  for (size_t i = 0; i < branches.size(); ++i) {
    if (!AsKeyedRead(where->tree, branches[i], keys, &reads[i])) return;
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    for (size_t j = i + 1; j < reads.size(); ++j) {
      if (reads[i].partition == reads[j].partition && Overlap(reads[i].range, reads[j].range)) {
        Invalid("Overlapping conditions with range keys are not supported in where clause");
      }
    }
  }
}

}  // namespace tideline::partiql
