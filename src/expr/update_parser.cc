// The UpdateExpression grammar:
//
//   update      := clause+ EOF
//   clause      := SET set_action (',' set_action)*
//                | REMOVE path (',' path)*
//                | ADD path :value (',' path :value)*
//                | DELETE path :value (',' path :value)*
//   set_action  := path '=' set_value
//   set_value   := '(' sum ')' | sum              -- "(:a) + :b" also works
//   sum         := operand_p [('+' | '-') operand_p]
//   operand_p   := '(' operand ')' | operand
//   operand     := path | :value | name '(' operand_p (',' operand_p)* ')'
//
// Clause keywords are case-insensitive and each clause may appear once; functions
// (if_not_exists, list_append) are case-sensitive. Only two operands may be added: "a + b + c"
// and "f(a + b)" are syntax errors, as in DynamoDB (test_update_expression.py).

#include <string>
#include <vector>

#include "expr/parser_base.h"

namespace tideline::expr {

namespace {

// Error categories in DynamoDB's reporting order (dynalite's updateParser.pegjs).
enum Slot : size_t {
  kReserved,
  kUnknownFunction,
  kSection,
  kAttrName,
  kAttrVal,
  kPathOverlap,
  kPathConflict,
  kOperand,
  kFunctionError,
  kSlotCount,
};

enum Clause { kSetClause, kRemoveClause, kAddClause, kDeleteClause };
constexpr const char* kClauseNames[] = {"SET", "REMOVE", "ADD", "DELETE"};

// ADD/DELETE operand type names in DynamoDB's messages ("operand type: STRING").
const char* OperandTypeName(model::AvType t) {
  switch (t) {
    case model::AvType::kS:
      return "STRING";
    case model::AvType::kN:
      return "NUMBER";
    case model::AvType::kB:
      return "BINARY";
    case model::AvType::kNull:
      return "NULL";
    case model::AvType::kBool:
      return "BOOLEAN";
    case model::AvType::kL:
      return "LIST";
    case model::AvType::kM:
      return "MAP";
    default:
      return nullptr;  // sets
  }
}

class UpdateParser : public ParserBase {
 public:
  UpdateParser(std::string_view text, AttributeResolver& r, UpdatePlan* plan)
      : ParserBase(text, "UpdateExpression", r, &plan->tree, kSlotCount), plan_(plan) {
    reserved_slot_ = kReserved;
    name_slot_ = kAttrName;
    value_slot_ = kAttrVal;
    plan->tree.values = r.values();
  }

  void Run() {
    if (Kind() == TokenKind::kEof) SyntaxError();
    while (Kind() != TokenKind::kEof) {
      int clause = -1;
      for (int i = 0; i < 4; ++i) {
        if (AtKeyword(kClauseNames[i])) clause = i;
      }
      if (clause < 0) SyntaxError();
      Advance();
      for (;;) {
        ParseAction(static_cast<Clause>(clause));
        if (Kind() != TokenKind::kComma) break;
        Advance();
      }
      if (seen_[clause]) {
        SetError(kSection, std::string("The \"") + kClauseNames[clause] +
                               "\" section can only be used once in an update expression;");
      }
      seen_[clause] = true;
    }
    ThrowFirstError({kReserved, kUnknownFunction, kSection, kAttrName, kAttrVal, kPathOverlap,
                     kPathConflict, kOperand, kFunctionError});
  }

 protected:
  bool IsKeyword(std::string_view w) const override {
    return EqualsKeyword(w, "SET") || EqualsKeyword(w, "REMOVE") || EqualsKeyword(w, "ADD") ||
           EqualsKeyword(w, "DELETE");
  }

  std::string TooDeepFunctionMessage(std::string_view name) const override {
    if (name != "if_not_exists" && name != "list_append") {
      return "Invalid function name; function: " + std::string(name);
    }
    return "The function is not allowed to be used this way in an expression; function: " +
           std::string(name);
  }

 private:
  void ParseAction(Clause clause) {
    if (!AtPathStart()) SyntaxError();
    uint32_t path = tree_->nodes[ParsePath()].ref;
    UpdateAction action;
    action.path = path;
    switch (clause) {
      case kSetClause:
        Expect(TokenKind::kEq);
        action.kind = ActionKind::kSet;
        action.node = ParseSetValue();
        break;
      case kRemoveClause:
        action.kind = ActionKind::kRemove;
        break;
      case kAddClause:
      case kDeleteClause:
        if (Kind() != TokenKind::kValue) SyntaxError();
        action.kind = clause == kAddClause ? ActionKind::kAdd : ActionKind::kDelete;
        action.node = ParseValueRef();
        break;
    }
    CheckPath(path);
    if (clause == kAddClause || clause == kDeleteClause) CheckOperator(clause, action.node);
    plan_->actions.push_back(action);
  }

  uint32_t ParseSetValue() {
    if (Kind() != TokenKind::kLParen) return ParseSum();
    EnterParens();
    Advance();
    uint32_t inner = ParseSum();
    Expect(TokenKind::kRParen);
    Leave();
    NodeKind k = tree_->nodes[inner].kind;
    if (k != NodeKind::kPlus && k != NodeKind::kMinus &&
        (Kind() == TokenKind::kPlus || Kind() == TokenKind::kMinus)) {
      return FinishSum(inner);  // "(:a) + :b": the parentheses held one operand
    }
    return inner;
  }

  uint32_t ParseSum() { return FinishSum(ParseOperandP()); }

  uint32_t FinishSum(uint32_t left) {
    if (Kind() != TokenKind::kPlus && Kind() != TokenKind::kMinus) return left;
    const bool plus = Kind() == TokenKind::kPlus;
    Advance();
    uint32_t right = ParseOperandP();
    for (uint32_t arg : {left, right}) {
      const Node& a = tree_->nodes[arg];
      if (a.kind == NodeKind::kValue && a.ref != kUndefinedValue &&
          tree_->value(a).type != model::AvType::kN) {
        SetError(kFunctionError,
                 std::string("Incorrect operand type for operator or function; operator or "
                             "function: ") +
                     (plus ? "+" : "-") +
                     ", operand type: " + model::AvTypeName(tree_->value(a).type));
        break;
      }
    }
    Node n;
    n.kind = plus ? NodeKind::kPlus : NodeKind::kMinus;
    return tree_->Add(n, {left, right});
  }

  uint32_t ParseOperandP() {
    if (Kind() != TokenKind::kLParen) return ParseOperand();
    EnterParens();
    Advance();
    uint32_t inner = ParseOperand();
    Expect(TokenKind::kRParen);
    Leave();
    return inner;
  }

  uint32_t ParseOperand() {
    if (Kind() == TokenKind::kValue) return ParseValueRef();
    if (Kind() == TokenKind::kIdentifier && !IsKeyword(Text(Cur())) &&
        Kind(1) == TokenKind::kLParen) {
      return ParseFunction();
    }
    if (!AtPathStart()) SyntaxError();
    return ParsePath();
  }

  uint32_t ParseFunction() {
    std::string_view name = Text(Cur());
    Advance();
    Advance();
    EnterFunction(name);
    std::vector<uint32_t> args;
    args.push_back(ParseOperandP());
    while (Kind() == TokenKind::kComma) {
      Advance();
      args.push_back(ParseOperandP());
    }
    Expect(TokenKind::kRParen);
    Leave();
    Node n;
    n.kind = NodeKind::kFunction;
    if (name == "if_not_exists") n.function = Function::kIfNotExists;
    if (name == "list_append") n.function = Function::kListAppend;
    uint32_t id = tree_->Add(n, args.data(), args.size());
    CheckFunction(name, n.function, args);
    return id;
  }

  void CheckFunction(std::string_view name, Function f, const std::vector<uint32_t>& args) {
    if (const FunctionInfo* known = LookupFunction(name);
        known && IsConditionFunction(known->function)) {
      SetError(kUnknownFunction, "The function is not allowed in an update expression; function: " +
                                     std::string(name));
      return;
    }
    if (f == Function::kUnknown) {
      SetError(kUnknownFunction, "Invalid function name; function: " + std::string(name));
      return;
    }
    if (args.size() != 2) {
      SetError(kFunctionError,
               "Incorrect number of operands for operator or function; operator or function: " +
                   std::string(name) + ", number of operands: " + std::to_string(args.size()));
      return;
    }
    if (f == Function::kIfNotExists) {
      if (tree_->nodes[args[0]].kind != NodeKind::kPath) {
        SetError(kFunctionError,
                 "Operator or function requires a document path; operator or function: "
                 "if_not_exists");
      }
      return;
    }
    for (uint32_t arg : args) {  // list_append
      const Node& a = tree_->nodes[arg];
      if (a.kind == NodeKind::kFunction && a.function == Function::kListAppend) {
        // test_update_expression.py::test_update_expression_function_nesting
        SetError(kFunctionError,
                 "The function is not allowed to be used this way in an expression; function: "
                 "list_append");
        return;
      }
      if (a.kind == NodeKind::kValue && a.ref != kUndefinedValue &&
          tree_->value(a).type != model::AvType::kL) {
        SetError(kFunctionError,
                 std::string("Incorrect operand type for operator or function; operator or "
                             "function: list_append, operand type: ") +
                     model::AvTypeName(tree_->value(a).type));
        return;
      }
    }
  }

  // ADD takes a number or a set, DELETE a set.
  void CheckOperator(Clause clause, uint32_t value_node) {
    const Node& n = tree_->nodes[value_node];
    if (n.ref == kUndefinedValue) return;
    model::AvType t = tree_->value(n).type;
    const char* name = OperandTypeName(t);
    if (!name || (clause == kAddClause && t == model::AvType::kN)) return;
    SetError(kOperand, std::string("Incorrect operand type for operator or function; operator: ") +
                           kClauseNames[clause] + ", operand type: " + name);
  }

  // Two actions may not touch the same path, a path and its ancestor ("overlap"), or use a path
  // step both as a map key and as a list index ("conflict").
  void CheckPath(uint32_t path) {
    const Path& p2 = tree_->paths[path];
    for (uint32_t earlier : action_paths_) {
      CheckPathPair(tree_->paths[earlier], p2, kPathOverlap, kPathConflict);
    }
    action_paths_.push_back(path);
  }

  UpdatePlan* plan_;
  bool seen_[4] = {false, false, false, false};
  std::vector<uint32_t> action_paths_;
};

}  // namespace

std::shared_ptr<const UpdatePlan> ParseUpdate(std::string_view text, AttributeResolver& r) {
  CheckExpressionSize(text, text.size(), "UpdateExpression");
  auto plan = std::make_shared<UpdatePlan>();
  UpdateParser(text, r, plan.get()).Run();
  return plan;
}

}  // namespace tideline::expr
