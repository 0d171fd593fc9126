// The legacy condition parameters, converted into the expression AST so one evaluator serves both:
//   Expected (+ ConditionalOperator)          -> Condition
//   QueryFilter / ScanFilter (+ Cond.Operator) -> Condition
//   KeyConditions                              -> KeyCondition
// Each entry is {ComparisonOperator, AttributeValueList} (Expected also {Value, Exists}).
// Validation messages and their order follow dynalite's validations/index.js and DAX's
// RequestValidator; the operator/type matrix follows the DynamoDB API reference (EQ and NE accept
// every type; LT LE GT GE IN BETWEEN only N, S, B; CONTAINS and NOT_CONTAINS N, S, B; BEGINS_WITH
// S, B). Semantics: test_expected.py / test_query_filter.py in Alternator's suite.

#include <string>
#include <vector>

#include "common/api_error.h"
#include "expr/ast.h"
#include "expr/key_conditions.h"
#include "expr/value_ops.h"

namespace tideline::expr {

using model::AttributeValue;
using model::AvType;

namespace {

enum class LegacyOp {
  kEq,
  kNe,
  kLe,
  kLt,
  kGe,
  kGt,
  kNotNull,
  kNull,
  kContains,
  kNotContains,
  kBeginsWith,
  kIn,
  kBetween
};

struct OpInfo {
  std::string_view name;
  LegacyOp op;
};
constexpr OpInfo kOps[] = {
    {"EQ", LegacyOp::kEq},
    {"NE", LegacyOp::kNe},
    {"LE", LegacyOp::kLe},
    {"LT", LegacyOp::kLt},
    {"GE", LegacyOp::kGe},
    {"GT", LegacyOp::kGt},
    {"NOT_NULL", LegacyOp::kNotNull},
    {"NULL", LegacyOp::kNull},
    {"CONTAINS", LegacyOp::kContains},
    {"NOT_CONTAINS", LegacyOp::kNotContains},
    {"BEGINS_WITH", LegacyOp::kBeginsWith},
    {"IN", LegacyOp::kIn},
    {"BETWEEN", LegacyOp::kBetween},
};
constexpr char kOpEnum[] =
    "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]";

[[noreturn]] void Invalid(std::string message) { throw ApiError::Validation(std::move(message)); }
[[noreturn]] void InvalidParam(std::string message) {
  Invalid("One or more parameter values were invalid: " + std::move(message));
}

const json::Value* Member(const json::Value& obj, std::string_view name) {
  return json::Find(obj, name);
}

// "expected.<key>.member.comparisonOperator": how DynamoDB names a member in constraint errors.
std::string MemberPath(std::string_view parameter, std::string_view key) {
  std::string p(parameter);
  if (!p.empty()) p[0] = static_cast<char>(p[0] - 'A' + 'a');
  return p + "." + std::string(key) + ".member.comparisonOperator";
}

LegacyOp ReadOperator(const json::Value& op, std::string_view parameter, std::string_view key) {
  if (!op.IsString()) throw ApiError::Serialization("Expected string");
  std::string_view name = json::AsView(op);
  for (const OpInfo& info : kOps) {
    if (info.name == name) return info.op;
  }
  Invalid("1 validation error detected: Value '" + std::string(name) + "' at '" +
          MemberPath(parameter, key) +
          "' failed to satisfy constraint: Member must satisfy enum value set: " + kOpEnum);
}

std::string_view OpName(LegacyOp op) {
  for (const OpInfo& info : kOps) {
    if (info.op == op) return info.name;
  }
  return "";
}

std::vector<AttributeValue> ReadValueList(const json::Value& list) {
  if (!list.IsArray()) throw ApiError::Serialization("Expected list or null");
  std::vector<AttributeValue> values;
  values.reserve(list.Size());
  for (const json::Value& v : list.GetArray()) values.push_back(model::AttributeValueFromJson(v));
  return values;
}

bool TypeAllowed(LegacyOp op, AvType t) {
  switch (op) {
    case LegacyOp::kEq:
    case LegacyOp::kNe:
      return true;
    case LegacyOp::kBeginsWith:
      return t == AvType::kS || t == AvType::kB;
    default:
      return IsOrderedType(t);
  }
}

// Argument count, one type, a type the operator accepts, BETWEEN bounds in order.
void ValidateArguments(LegacyOp op, const std::vector<AttributeValue>& values) {
  size_t n = values.size();
  bool count_ok = false;
  switch (op) {
    case LegacyOp::kNull:
    case LegacyOp::kNotNull:
      count_ok = n == 0;
      break;
    case LegacyOp::kIn:
      count_ok = n >= 1;
      break;
    case LegacyOp::kBetween:
      count_ok = n == 2;
      break;
    default:
      count_ok = n == 1;
      break;
  }
  if (!count_ok) {
    InvalidParam("Invalid number of argument(s) for the " + std::string(OpName(op)) +
                 " ComparisonOperator");
  }
  for (const AttributeValue& v : values) {
    if (v.type != values[0].type) {
      InvalidParam("AttributeValues inside AttributeValueList must be of same type");
    }
  }
  for (const AttributeValue& v : values) {
    if (!TypeAllowed(op, v.type)) {
      InvalidParam("ComparisonOperator " + std::string(OpName(op)) + " is not valid for " +
                   model::AvTypeName(v.type) + " AttributeValue type");
    }
  }
  if (op == LegacyOp::kBetween && CompareScalars(values[0], values[1]) > 0) {
    Invalid(
        "The BETWEEN condition was provided a range where the lower bound is greater than "
        "the upper bound");
  }
}

// Builds the tree of one condition "<name> <op> <values>" and returns its root.
class Builder {
 public:
  explicit Builder(Condition* c) : c_(c), table_(std::make_shared<ValueTable>()) {
    c->tree.values = table_;
  }

  uint32_t Build(const std::string& name, LegacyOp op, std::vector<AttributeValue> values) {
    Tree& t = c_->tree;
    PathElement e;
    e.name = name;
    uint32_t path = t.AddPath(Path{std::move(e)});
    std::vector<uint32_t> kids{path};
    for (AttributeValue& v : values) {
      table_->values.push_back(std::move(v));
      kids.push_back(t.AddValue(static_cast<uint32_t>(table_->values.size() - 1)));
    }
    Node n;
    switch (op) {
      case LegacyOp::kEq:
        n.kind = NodeKind::kCompare;
        n.op = CompareOp::kEq;
        break;
      case LegacyOp::kNe:
        n.kind = NodeKind::kCompare;
        n.op = CompareOp::kNe;
        break;
      case LegacyOp::kLe:
        n.kind = NodeKind::kCompare;
        n.op = CompareOp::kLe;
        break;
      case LegacyOp::kLt:
        n.kind = NodeKind::kCompare;
        n.op = CompareOp::kLt;
        break;
      case LegacyOp::kGe:
        n.kind = NodeKind::kCompare;
        n.op = CompareOp::kGe;
        break;
      case LegacyOp::kGt:
        n.kind = NodeKind::kCompare;
        n.op = CompareOp::kGt;
        break;
      case LegacyOp::kNotNull:
        n.kind = NodeKind::kFunction;
        n.function = Function::kAttributeExists;
        break;
      case LegacyOp::kNull:
        n.kind = NodeKind::kFunction;
        n.function = Function::kAttributeNotExists;
        break;
      case LegacyOp::kContains:
        n.kind = NodeKind::kFunction;
        n.function = Function::kContains;
        break;
      case LegacyOp::kNotContains:
        n.kind = NodeKind::kFunction;
        n.function = Function::kLegacyNotContains;
        break;
      case LegacyOp::kBeginsWith:
        n.kind = NodeKind::kFunction;
        n.function = Function::kBeginsWith;
        break;
      case LegacyOp::kIn:
        n.kind = NodeKind::kIn;
        break;
      case LegacyOp::kBetween:
        n.kind = NodeKind::kBetween;
        break;
    }
    return t.Add(n, kids.data(), kids.size());
  }

  // Joins the conditions left to right with AND or OR.
  void Finish(const std::vector<uint32_t>& parts, bool use_or) {
    Tree& t = c_->tree;
    uint32_t root = parts[0];
    for (size_t i = 1; i < parts.size(); ++i) {
      Node n;
      n.kind = use_or ? NodeKind::kOr : NodeKind::kAnd;
      root = t.Add(n, {root, parts[i]});
    }
    c_->root = root;
  }

 private:
  Condition* c_;
  std::shared_ptr<ValueTable> table_;
};

// ConditionalOperator: checked against the map it combines (DAX's RequestValidator).
bool ReadConditionalOperator(const json::Value* op, const json::Value* map) {
  if (!op) return false;
  if (!op->IsString()) throw ApiError::Serialization("Expected string");
  std::string_view v = json::AsView(*op);
  if (v != "AND" && v != "OR") {
    Invalid("1 validation error detected: Value '" + std::string(v) +
            "' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum "
            "value set: [OR, AND]");
  }
  if (!map) Invalid("ConditionalOperator cannot be used without Filter or Expected");
  if (!map->IsObject() || map->MemberCount() <= 1) {
    Invalid(
        "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  return v == "OR";
}

}  // namespace

std::shared_ptr<const Condition> ConditionFromExpected(const json::Value* expected,
                                                       const json::Value* conditional_operator) {
  const bool use_or = ReadConditionalOperator(conditional_operator, expected);
  if (!expected) return nullptr;
  if (!expected->IsObject()) throw ApiError::Serialization("Expected map or null");
  if (expected->MemberCount() == 0) return nullptr;
  auto c = std::make_shared<Condition>();
  c->origin = Condition::Origin::kOtherLegacy;
  Builder b(c.get());
  std::vector<uint32_t> parts;
  for (auto it = expected->MemberBegin(); it != expected->MemberEnd(); ++it) {
    std::string key(json::AsView(it->name));
    const json::Value& e = it->value;
    if (!e.IsObject()) throw ApiError::Serialization("Expected structure or null");
    const json::Value* value = Member(e, "Value");
    const json::Value* list = Member(e, "AttributeValueList");
    const json::Value* op = Member(e, "ComparisonOperator");
    const json::Value* exists = Member(e, "Exists");
    if (value && list) {
      InvalidParam("Value and AttributeValueList cannot be used together for Attribute: " + key);
    }
    if (op) {
      LegacyOp lop = ReadOperator(*op, "Expected", key);
      if (exists) {
        InvalidParam("Exists and ComparisonOperator cannot be used together for Attribute: " + key);
      }
      if (lop != LegacyOp::kNull && lop != LegacyOp::kNotNull && !list && !value) {
        InvalidParam("Value or AttributeValueList must be used with ComparisonOperator: " +
                     std::string(OpName(lop)) + " for Attribute: " + key);
      }
      std::vector<AttributeValue> values;
      if (list) {
        values = ReadValueList(*list);
      } else if (value) {
        values.push_back(model::AttributeValueFromJson(*value));
      }
      ValidateArguments(lop, values);
      parts.push_back(b.Build(key, lop, std::move(values)));
      continue;
    }
    if (list) {
      InvalidParam("AttributeValueList can only be used with a ComparisonOperator for Attribute: " +
                   key);
    }
    if (exists && !exists->IsBool()) throw ApiError::Serialization("Expected boolean");
    const bool must_exist = !exists || exists->GetBool();
    if (must_exist && !value) {
      InvalidParam(std::string("Value must be provided when Exists is ") +
                   (exists ? "true" : "null") + " for Attribute: " + key);
    }
    if (!must_exist && value) {
      InvalidParam("Value cannot be used when Exists is false for Attribute: " + key);
    }
    if (value) {
      std::vector<AttributeValue> values{model::AttributeValueFromJson(*value)};
      parts.push_back(b.Build(key, LegacyOp::kEq, std::move(values)));
    } else {
      parts.push_back(b.Build(key, LegacyOp::kNull, {}));
    }
  }
  b.Finish(parts, use_or);
  return c;
}

std::shared_ptr<const Condition> ConditionFromFilter(const json::Value* filter,
                                                     const json::Value* conditional_operator,
                                                     std::string_view parameter_name) {
  const bool use_or = ReadConditionalOperator(conditional_operator, filter);
  if (!filter) return nullptr;
  if (!filter->IsObject()) throw ApiError::Serialization("Expected map or null");
  if (filter->MemberCount() == 0) return nullptr;
  auto c = std::make_shared<Condition>();
  c->origin = parameter_name == "QueryFilter" ? Condition::Origin::kQueryFilter
                                              : Condition::Origin::kOtherLegacy;
  Builder b(c.get());
  std::vector<uint32_t> parts;
  for (auto it = filter->MemberBegin(); it != filter->MemberEnd(); ++it) {
    std::string key(json::AsView(it->name));
    const json::Value& e = it->value;
    if (!e.IsObject()) throw ApiError::Serialization("Expected structure or null");
    const json::Value* op = Member(e, "ComparisonOperator");
    if (!op) {
      Invalid("1 validation error detected: Value null at '" + MemberPath(parameter_name, key) +
              "' failed to satisfy constraint: Member must not be null");
    }
    LegacyOp lop = ReadOperator(*op, parameter_name, key);
    const json::Value* list = Member(e, "AttributeValueList");
    std::vector<AttributeValue> values;
    if (list) values = ReadValueList(*list);
    ValidateArguments(lop, values);
    parts.push_back(b.Build(key, lop, std::move(values)));
  }
  b.Finish(parts, use_or);
  return c;
}

std::vector<KeyConditionPart> KeyConditionPartsFromLegacy(const json::Value& key_conditions) {
  if (!key_conditions.IsObject()) throw ApiError::Serialization("Expected map or null");
  std::vector<KeyConditionPart> parts;
  for (auto it = key_conditions.MemberBegin(); it != key_conditions.MemberEnd(); ++it) {
    std::string key(json::AsView(it->name));
    const json::Value& e = it->value;
    if (!e.IsObject()) throw ApiError::Serialization("Expected structure or null");
    const json::Value* op = Member(e, "ComparisonOperator");
    if (!op) {
      Invalid("1 validation error detected: Value null at '" + MemberPath("KeyConditions", key) +
              "' failed to satisfy constraint: Member must not be null");
    }
    LegacyOp lop = ReadOperator(*op, "KeyConditions", key);
    const json::Value* list = Member(e, "AttributeValueList");
    std::vector<AttributeValue> values;
    if (list) values = ReadValueList(*list);
    ValidateArguments(lop, values);
    KeyConditionPart part;
    part.name = key;
    switch (lop) {
      case LegacyOp::kEq:
        part.op = KeyConditionPart::Op::kEq;
        break;
      case LegacyOp::kLt:
        part.op = KeyConditionPart::Op::kLt;
        break;
      case LegacyOp::kLe:
        part.op = KeyConditionPart::Op::kLe;
        break;
      case LegacyOp::kGt:
        part.op = KeyConditionPart::Op::kGt;
        break;
      case LegacyOp::kGe:
        part.op = KeyConditionPart::Op::kGe;
        break;
      case LegacyOp::kBetween:
        part.op = KeyConditionPart::Op::kBetween;
        break;
      case LegacyOp::kBeginsWith:
        part.op = KeyConditionPart::Op::kBeginsWith;
        break;
      default:
        part.op = KeyConditionPart::Op::kNotIndexable;
        break;
    }
    part.values = std::move(values);
    parts.push_back(std::move(part));
  }
  return parts;
}

KeyCondition KeyConditionFromLegacy(const json::Value& key_conditions,
                                    const model::KeySchema& schema) {
  std::vector<KeyConditionPart> parts = KeyConditionPartsFromLegacy(key_conditions);
  if (parts.size() != 1 && parts.size() != 2) Invalid("Conditions can be of length 1 or 2 only");
  return ResolveKeyConditions(parts, schema);
}

}  // namespace tideline::expr
