#include "expr/condition_parser.h"

#include <string>
#include <vector>

#include "expr/parser_base.h"
#include "expr/value_ops.h"

namespace tideline::expr {

namespace {

// Error categories, in the order DynamoDB reports them. kAttrNameVal..kFunctionError belong to
// one primitive condition: the first condition (in parse order) that has any of them reports its
// highest-priority one through kCondition.
enum Slot : size_t {
  kParens,
  kUnknownFunction,
  kMisusedFunction,
  kReserved,
  kCondition,
  kAttrNameVal,
  kOperandCount,
  kDistinct,
  kFunctionError,
  kSlotCount,
};

constexpr int kMaxOperators = 300;      // test_limits.py::test_deeply_nested_expression_2
constexpr size_t kMaxInOperands = 100;  // the left operand included

bool IsAttributeTypeName(std::string_view s) {
  static constexpr std::string_view kTypes[] = {"S",    "N", "B",  "NULL", "SS",
                                                "BOOL", "L", "BS", "NS",   "M"};
  for (std::string_view t : kTypes) {
    if (t == s) return true;
  }
  return false;
}

class ConditionParser : public ParserBase {
 public:
  ConditionParser(std::string_view text, std::string_view parameter, AttributeResolver& r,
                  Condition* c)
      : ParserBase(text, parameter, r, &c->tree, kSlotCount), cond_(c) {
    reserved_slot_ = kReserved;
    name_slot_ = kAttrNameVal;
    value_slot_ = kAttrNameVal;
    c->tree.values = r.values();
  }

  void Run() {
    uint32_t root = ParseOr(false);
    if (Kind() != TokenKind::kEof) SyntaxError();
    UseAsCondition(root);
    ThrowFirstError({kParens, kUnknownFunction, kMisusedFunction, kReserved, kCondition});
    cond_->root = root;
  }

 protected:
  bool IsKeyword(std::string_view w) const override {
    return EqualsKeyword(w, "AND") || EqualsKeyword(w, "OR") || EqualsKeyword(w, "NOT") ||
           EqualsKeyword(w, "BETWEEN") || EqualsKeyword(w, "IN");
  }

  std::string TooDeepFunctionMessage(std::string_view name) const override {
    const FunctionInfo* f = LookupFunction(name);
    if (!f) return "Invalid function name; function: " + std::string(name);
    if (f->function == Function::kSize) {
      return "Incorrect operand type for operator or function; operator or function: size, "
             "operand type: N";
    }
    return "The function is not allowed to be used this way in an expression; function: " +
           std::string(name);
  }

 private:
  Node& N(uint32_t id) { return tree_->nodes[id]; }
  bool IsKind(uint32_t id, NodeKind k) const { return tree_->nodes[id].kind == k; }

  void CountOperator() {
    if (++operators_ > kMaxOperators) {
      Fail("The expression contains too many operators; operator count: " +
           std::to_string(operators_));
    }
  }

  uint32_t ParseOr(bool allow_bare) {
    uint32_t left = ParseAnd(allow_bare);
    while (AtKeyword("OR")) {
      CountOperator();
      Advance();
      uint32_t right = ParseAnd(false);
      Node n;
      n.kind = NodeKind::kOr;
      left = tree_->Add(n, {left, right});
    }
    return left;
  }

  uint32_t ParseAnd(bool allow_bare) {
    uint32_t left = ParseNot(allow_bare);
    while (AtKeyword("AND")) {
      CountOperator();
      Advance();
      uint32_t right = ParseNot(false);
      Node n;
      n.kind = NodeKind::kAnd;
      left = tree_->Add(n, {left, right});
    }
    return left;
  }

  uint32_t ParseNot(bool allow_bare) {
    if (!AtKeyword("NOT")) return ParsePrimary(allow_bare);
    // Counting before recursing bounds the recursion: 301 NOTs fail here.
    CountOperator();
    Advance();
    uint32_t operand = ParseNot(false);
    Node n;
    n.kind = NodeKind::kNot;
    return tree_->Add(n, {operand});
  }

  // `allow_bare`: we are directly inside '(' (no operator seen yet), where a lone operand
  // followed by ')' is a parenthesized operand rather than an error.
  uint32_t ParsePrimary(bool allow_bare) {
    if (Kind() != TokenKind::kLParen) return ParseTail(ParseOperand(), allow_bare);
    EnterParens();
    Advance();
    uint32_t inner = ParseOr(true);
    Expect(TokenKind::kRParen);
    Leave();
    Wrap(inner);
    NodeKind k = tree_->nodes[inner].kind;
    if (k == NodeKind::kPath || k == NodeKind::kValue || k == NodeKind::kFunction) {
      return ParseTail(ContinueIfPath(inner), allow_bare);
    }
    return inner;  // a group
  }

  uint32_t ParseOperand() {
    switch (Kind()) {
      case TokenKind::kLParen: {
        EnterParens();
        Advance();
        uint32_t inner = ParseOperand();
        Expect(TokenKind::kRParen);
        Leave();
        Wrap(inner);
        return ContinueIfPath(inner);
      }
      case TokenKind::kValue:
        return ParseValueRef();
      case TokenKind::kName:
        return ParsePath();
      case TokenKind::kIdentifier:
        if (IsKeyword(Text(Cur()))) SyntaxError();
        if (Kind(1) == TokenKind::kLParen) return ParseFunction();
        return ParsePath();
      default:
        SyntaxError();
    }
  }

  uint32_t ContinueIfPath(uint32_t id) {
    return IsKind(id, NodeKind::kPath) ? ContinuePath(id) : id;
  }

  void Wrap(uint32_t id) {
    Node& n = N(id);
    if (n.parens >= 1) SetError(kParens, "The expression has redundant parentheses;");
    if (n.parens < 255) ++n.parens;
  }

  uint32_t ParseFunction() {
    std::string_view name = Text(Cur());
    Advance();  // name
    Advance();  // '('
    EnterFunction(name);
    std::vector<uint32_t> args;
    args.push_back(ParseOperand());
    while (Kind() == TokenKind::kComma) {
      Advance();
      args.push_back(ParseOperand());
    }
    Expect(TokenKind::kRParen);
    Leave();
    const FunctionInfo* info = LookupFunction(name);
    Node n;
    n.kind = NodeKind::kFunction;
    n.function = info ? info->function : Function::kUnknown;
    uint32_t id = tree_->Add(n, args.data(), args.size());
    if (function_names_.size() <= id) function_names_.resize(id + 1);
    function_names_[id] = name;
    for (uint32_t a : args) CheckMisused(a);
    CheckFunction(id, info, args);
    return id;
  }

  uint32_t ParseTail(uint32_t left, bool allow_bare) {
    CompareOp op;
    if (AtComparator(&op)) {
      CountOperator();
      Advance();
      uint32_t right = ParseOperand();
      CheckMisused(left);
      CheckMisused(right);
      CheckDistinct(CompareOpText(op), left, right);
      if (op != CompareOp::kEq && op != CompareOp::kNe) {
        CheckOrderedOperand(CompareOpText(op), left);
        CheckOrderedOperand(CompareOpText(op), right);
      }
      Node n;
      n.kind = NodeKind::kCompare;
      n.op = op;
      uint32_t id = tree_->Add(n, {left, right});
      FinishCondition();
      return id;
    }
    if (AtKeyword("BETWEEN")) {
      CountOperator();
      Advance();
      uint32_t low = ParseOperand();
      if (!AtKeyword("AND")) SyntaxError();
      Advance();
      uint32_t high = ParseOperand();
      for (uint32_t x : {left, low, high}) CheckMisused(x);
      CheckBetween(left, low, high);
      Node n;
      n.kind = NodeKind::kBetween;
      uint32_t id = tree_->Add(n, {left, low, high});
      FinishCondition();
      return id;
    }
    if (AtKeyword("IN")) {
      CountOperator();
      Advance();
      Expect(TokenKind::kLParen);
      std::vector<uint32_t> operands{left};
      operands.push_back(ParseOperand());
      while (Kind() == TokenKind::kComma) {
        Advance();
        operands.push_back(ParseOperand());
      }
      Expect(TokenKind::kRParen);
      for (uint32_t x : operands) CheckMisused(x);
      if (operands.size() > kMaxInOperands) {
        SetError(kOperandCount,
                 "Too many operands for the operator or function; operator or function: IN, "
                 "number of operands: " +
                     std::to_string(operands.size()));
      }
      Node n;
      n.kind = NodeKind::kIn;
      uint32_t id = tree_->Add(n, operands.data(), operands.size());
      FinishCondition();
      return id;
    }
    const bool is_function = IsKind(left, NodeKind::kFunction);
    if (allow_bare && Kind() == TokenKind::kRParen) return left;  // decided by the caller
    if (!is_function) SyntaxError();
    UseAsCondition(left);
    return left;
  }

  bool AtComparator(CompareOp* op) const {
    switch (Kind()) {
      case TokenKind::kEq:
        *op = CompareOp::kEq;
        return true;
      case TokenKind::kNe:
        *op = CompareOp::kNe;
        return true;
      case TokenKind::kLt:
        *op = CompareOp::kLt;
        return true;
      case TokenKind::kLe:
        *op = CompareOp::kLe;
        return true;
      case TokenKind::kGt:
        *op = CompareOp::kGt;
        return true;
      case TokenKind::kGe:
        *op = CompareOp::kGe;
        return true;
      default:
        return false;
    }
  }

  // A function used as a condition: only the boolean functions may be (not size()).
  void UseAsCondition(uint32_t id) {
    const Node& n = tree_->nodes[id];
    if (n.kind != NodeKind::kFunction) return;
    if (n.function == Function::kSize) {
      SetError(kMisusedFunction,
               "The function is not allowed to be used this way in an expression; function: size");
    }
    FinishCondition();
  }

  // An operand of a comparison, BETWEEN, IN or function: only size() may be a function there.
  void CheckMisused(uint32_t id) {
    const Node& n = tree_->nodes[id];
    if (n.kind == NodeKind::kFunction && n.function != Function::kSize) {
      SetError(kMisusedFunction,
               "The function is not allowed to be used this way in an expression; function: " +
                   std::string(function_names_[id]));
    }
  }

  void FinishCondition() {
    if (HasError(kCondition)) return;
    for (size_t slot : {kAttrNameVal, kOperandCount, kDistinct, kFunctionError}) {
      if (HasError(slot)) {
        SetError(kCondition, Error(slot));
        return;
      }
    }
  }

  void CheckDistinct(std::string_view op, uint32_t a, uint32_t b) {
    if (!IsKind(a, NodeKind::kPath) || !IsKind(b, NodeKind::kPath)) return;
    const Path& pa = tree_->path(tree_->nodes[a]);
    if (pa != tree_->path(tree_->nodes[b])) return;
    SetError(kDistinct,
             "The first operand must be distinct from the remaining operands for this operator "
             "or function; operator: " +
                 std::string(op) + ", first operand: " + PathToString(pa));
  }

  // The type of an operand when known before evaluation: a :value's type, or the result type
  // of a function ("" when unknown, e.g. a path).
  std::string_view StaticType(uint32_t id) const {
    const Node& n = tree_->nodes[id];
    if (n.kind == NodeKind::kValue && n.ref != kUndefinedValue) {
      return model::AvTypeName(tree_->value(n).type);
    }
    if (n.kind == NodeKind::kFunction) {
      switch (n.function) {
        case Function::kSize:
          return "N";
        case Function::kBeginsWith:
        case Function::kAttributeType:
        case Function::kContains:
          return "BOOL";
        default:
          return "";
      }
    }
    return "";
  }

  const model::AttributeValue* Constant(uint32_t id) const {
    const Node& n = tree_->nodes[id];
    if (n.kind != NodeKind::kValue || n.ref == kUndefinedValue) return nullptr;
    return &tree_->value(n);
  }

  void OperandTypeError(std::string_view op, std::string_view type) {
    SetError(kFunctionError,
             "Incorrect operand type for operator or function; operator or function: " +
                 std::string(op) + ", operand type: " + std::string(type));
  }

  // A :value compared with < <= > >= must be N, S or B (an item attribute of another type only
  // makes the comparison false). test_condition_expression.py::test_update_condition_lt.
  void CheckOrderedOperand(std::string_view op, uint32_t id) {
    const model::AttributeValue* v = Constant(id);
    if (v && !IsOrderedType(v->type)) OperandTypeError(op, model::AvTypeName(v->type));
  }

  void CheckBetween(uint32_t x, uint32_t low, uint32_t high) {
    for (uint32_t id : {x, low, high}) CheckOrderedOperand("BETWEEN", id);
    const model::AttributeValue* lo = Constant(low);
    const model::AttributeValue* hi = Constant(high);
    if (!lo || !hi) return;
    std::string bounds = "lower bound operand: AttributeValue: " + DescribeValue(*lo) +
                         ", upper bound operand: AttributeValue: " + DescribeValue(*hi);
    if (lo->type != hi->type) {
      SetError(
          kFunctionError,
          "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
    } else if (IsOrderedType(lo->type) && CompareScalars(*lo, *hi) > 0) {
      SetError(kFunctionError,
               "The BETWEEN operator requires upper bound to be greater than or equal to lower "
               "bound; " +
                   bounds);
    }
  }

  void CheckFunction(uint32_t id, const FunctionInfo* info, const std::vector<uint32_t>& args) {
    std::string name(function_names_[id]);
    if (!info) {
      SetError(kUnknownFunction, "Invalid function name; function: " + name);
      return;
    }
    if (info->function == Function::kIfNotExists || info->function == Function::kListAppend) {
      SetError(kUnknownFunction,
               "The function is not allowed in a condition expression; function: " + name);
      return;
    }
    if (args.size() != info->arity) {
      SetError(kOperandCount,
               "Incorrect number of operands for operator or function; operator or function: " +
                   name + ", number of operands: " + std::to_string(args.size()));
      return;
    }
    if (args.size() == 2) CheckDistinct(name, args[0], args[1]);
    switch (info->function) {
      case Function::kAttributeExists:
      case Function::kAttributeNotExists:
        if (!IsKind(args[0], NodeKind::kPath)) {
          SetError(kFunctionError,
                   "Operator or function requires a document path; operator or function: " + name);
        }
        break;
      case Function::kBeginsWith:
        for (uint32_t a : args) {
          std::string_view t = StaticType(a);
          if (!t.empty() && t != "S" && t != "B") {
            OperandTypeError(name, t);
            break;
          }
        }
        break;
      case Function::kAttributeType: {
        std::string_view t = StaticType(args[1]);
        if (t != "S") {
          OperandTypeError(name, t.empty() ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : t);
        } else if (const model::AttributeValue* v = Constant(args[1]);
                   v && !IsAttributeTypeName(v->scalar)) {
          SetError(kFunctionError, "Invalid attribute type name found; type: " + v->scalar +
                                       ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
        }
        break;
      }
      case Function::kSize: {
        std::string_view t = StaticType(args[0]);
        if (t == "N" || t == "BOOL" || t == "NULL") OperandTypeError(name, t);
        break;
      }
      default:
        break;
    }
  }

  Condition* cond_;
  int operators_ = 0;
  std::vector<std::string_view> function_names_;  // by node id, for function nodes
};

}  // namespace

std::shared_ptr<Condition> ParseConditionText(std::string_view text, AttributeResolver& r,
                                              std::string_view parameter) {
  CheckExpressionSize(text, text.size(), parameter);
  auto c = std::make_shared<Condition>();
  ConditionParser parser(text, parameter, r, c.get());
  parser.Run();
  return c;
}

std::shared_ptr<const Condition> ParseCondition(std::string_view text, AttributeResolver& r,
                                                std::string_view parameter_name) {
  return ParseConditionText(text, r, parameter_name);
}

}  // namespace tideline::expr
