// KeyConditionExpression: parsed with the ConditionExpression parser (DynamoDB uses one parser
// for both, which is why "a <> :v" and "a IN (...)" are not syntax errors here but "Invalid
// operator used in KeyConditionExpression"), then reduced to one condition per key attribute.
// The structural rules and their order follow dynalite's convertKeyCondition, which was checked
// against DynamoDB (test/query.js there; test_key_condition_expression.py in Alternator).

#include <algorithm>
#include <string>

#include "common/api_error.h"
#include "expr/ast.h"
#include "expr/condition_parser.h"
#include "expr/key_conditions.h"

namespace tideline::expr {

namespace {

using Op = KeyConditionPart::Op;

[[noreturn]] void Invalid(std::string message) { throw ApiError::Validation(std::move(message)); }

class KeyConditionWalker {
 public:
  explicit KeyConditionWalker(const Tree& t) : t_(t) {}

  void Walk(uint32_t id) {
    const Node& n = t_.nodes[id];
    switch (n.kind) {
      case NodeKind::kOr:
        Invalid("Invalid operator used in KeyConditionExpression: OR");
      case NodeKind::kNot:
        Invalid("Invalid operator used in KeyConditionExpression: NOT");
      case NodeKind::kIn:
        Invalid("Invalid operator used in KeyConditionExpression: IN");
      case NodeKind::kCompare:
        if (n.op == CompareOp::kNe) Invalid("Invalid operator used in KeyConditionExpression: <>");
        break;
      case NodeKind::kFunction:
        switch (n.function) {
          case Function::kAttributeExists:
          case Function::kAttributeNotExists:
          case Function::kAttributeType:
          case Function::kContains:
            Invalid(std::string("Invalid operator used in KeyConditionExpression: ") +
                    FunctionName(n.function));
          case Function::kSize:
            Invalid("KeyConditionExpressions cannot contain nested operations");
          default:
            break;
        }
        if (!IsPath(t_.child(n, 0))) {
          Invalid(
              "Invalid condition in KeyConditionExpression: begins_with operator must have "
              "the key attribute as its first operand");
        }
        break;
      case NodeKind::kBetween:
        if (!IsPath(t_.child(n, 0))) {
          Invalid(
              "Invalid condition in KeyConditionExpression: BETWEEN operator must have the "
              "key attribute as its first operand");
        }
        break;
      default:
        break;
    }
    const Path* attribute = nullptr;
    uint32_t attribute_index = 0;
    for (uint32_t i = 0; i < n.child_count; ++i) {
      uint32_t c = t_.child(n, i);
      const Node& child = t_.nodes[c];
      if (child.kind == NodeKind::kPath) {
        if (attribute) {
          Invalid(
              "Invalid condition in KeyConditionExpression: Multiple attribute names used in "
              "one condition");
        }
        if (t_.path(child).size() > 1) {
          Invalid("KeyConditionExpressions cannot have conditions on nested attributes");
        }
        attribute = &t_.path(child);
        attribute_index = i;
      } else if (child.kind != NodeKind::kValue) {
        Walk(c);
      }
    }
    if (n.kind == NodeKind::kAnd) return;
    if (!attribute)
      Invalid("Invalid condition in KeyConditionExpression: No key attribute specified");
    const std::string& name = (*attribute)[0].name;
    for (const KeyConditionPart& p : parts_) {
      if (p.name == name)
        Invalid("KeyConditionExpressions must only contain one condition per key");
    }
    KeyConditionPart part;
    part.name = name;
    if (n.kind == NodeKind::kBetween) {
      part.op = Op::kBetween;
    } else if (n.kind == NodeKind::kFunction) {
      part.op = Op::kBeginsWith;
    } else {
      part.op = CompareToOp(n.op, attribute_index != 0);
    }
    for (uint32_t i = 0; i < n.child_count; ++i) {
      if (i != attribute_index) part.values.push_back(t_.value(t_.nodes[t_.child(n, i)]));
    }
    parts_.push_back(std::move(part));
  }

  std::vector<KeyConditionPart>& parts() { return parts_; }

 private:
  bool IsPath(uint32_t id) const { return t_.nodes[id].kind == NodeKind::kPath; }

  // ":v < k" is "k > :v".
  static Op CompareToOp(CompareOp op, bool reversed) {
    switch (op) {
      case CompareOp::kLt:
        return reversed ? Op::kGt : Op::kLt;
      case CompareOp::kLe:
        return reversed ? Op::kGe : Op::kLe;
      case CompareOp::kGt:
        return reversed ? Op::kLt : Op::kGt;
      case CompareOp::kGe:
        return reversed ? Op::kLe : Op::kGe;
      default:
        return Op::kEq;
    }
  }

  const Tree& t_;
  std::vector<KeyConditionPart> parts_;
};

const KeyConditionPart* FindPart(const std::vector<KeyConditionPart>& parts,
                                 const std::string& name) {
  for (const KeyConditionPart& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

KeyCondition::RangeOp RangeOpOf(KeyConditionPart::Op op) {
  switch (op) {
    case Op::kEq:
      return KeyCondition::RangeOp::kEq;
    case Op::kLt:
      return KeyCondition::RangeOp::kLt;
    case Op::kLe:
      return KeyCondition::RangeOp::kLe;
    case Op::kGt:
      return KeyCondition::RangeOp::kGt;
    case Op::kGe:
      return KeyCondition::RangeOp::kGe;
    case Op::kBetween:
      return KeyCondition::RangeOp::kBetween;
    case Op::kBeginsWith:
      return KeyCondition::RangeOp::kBeginsWith;
    case Op::kNotIndexable:
      break;
  }
  return KeyCondition::RangeOp::kNone;
}

KeyCondition ResolveKeyConditions(const std::vector<KeyConditionPart>& parts,
                                  const model::KeySchema& schema) {
  const KeyConditionPart* hash = FindPart(parts, schema.hash_name);
  if (!hash) Invalid("Query condition missed key schema element: " + schema.hash_name);
  const KeyConditionPart* range = nullptr;
  if (parts.size() > 1 && schema.has_range()) {
    range = FindPart(parts, schema.range_name);
    if (!range) Invalid("Query condition missed key schema element: " + schema.range_name);
  }
  for (const KeyConditionPart& p : parts) {
    if (p.op == Op::kNotIndexable) {
      Invalid("Attempted conditional constraint is not an indexable operation");
    }
  }
  auto check_types = [](const KeyConditionPart& p, model::AvType type) {
    for (const model::AttributeValue& v : p.values) {
      if (v.type != type) {
        Invalid(
            "One or more parameter values were invalid: Condition parameter type does not "
            "match schema type");
      }
    }
  };
  check_types(*hash, schema.hash_type);
  if (hash->op != Op::kEq) Invalid("Query key condition not supported");
  if (hash->values[0].type == model::AvType::kS && hash->values[0].scalar.empty()) {
    // As for any key value (moto's KeyIsEmptyStringException carries DynamoDB's text).
    Invalid(
        "One or more parameter values are not valid. The AttributeValue for a key attribute "
        "cannot contain an empty string value. Key: " +
        schema.hash_name);
  }
  if (range) check_types(*range, schema.range_type);
  if (!schema.has_range() && parts.size() > 1) Invalid("Query key condition not supported");

  KeyCondition kc;
  kc.hash_value = hash->values[0];
  if (range) {
    kc.op = RangeOpOf(range->op);
    kc.value1 = range->values[0];
    if (range->values.size() > 1) kc.value2 = range->values[1];
  }
  return kc;
}

std::vector<KeyConditionPart> KeyConditionParts(std::string_view text, AttributeResolver& r) {
  std::shared_ptr<Condition> c = ParseConditionText(text, r, "KeyConditionExpression");
  KeyConditionWalker walker(c->tree);
  walker.Walk(c->root);
  return std::move(walker.parts());
}

KeyCondition ParseKeyCondition(std::string_view text, AttributeResolver& r,
                               const model::KeySchema& schema) {
  std::vector<KeyConditionPart> parts = KeyConditionParts(text, r);
  if (parts.size() != 1 && parts.size() != 2) Invalid("Conditions can be of length 1 or 2 only");
  return ResolveKeyConditions(parts, schema);
}

}  // namespace tideline::expr
