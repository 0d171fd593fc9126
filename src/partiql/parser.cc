// Recursive-descent parser of DynamoDB's PartiQL dialect (shared/spec/partiql-backups.md §1).
// WHERE and SET build the node arena of src/expr (expr::Tree): literals and bound parameters go
// into one ValueTable, document paths into the tree's paths, so that evaluation and update
// application are src/expr's.
//
// Precedence, loosest first: OR, AND, NOT, predicates (= <> != < <= > >= BETWEEN IN IS),
// + -, primaries (literal, ?, path, function call, parenthesized condition).
//
// Messages: those recorded on AWS (spec §3.4 and the conformance suite's tier3 PartiQL grammar
// messages: the "wasn't well formed" details, aliasing, number literals "under <path>", the
// FROM-path and index rules, the missing key equality, DELETE's RETURNING, the ordered operand
// types) are unmarked; every other one carries a ⚠ comment saying whose text it is (DynamoDB
// Local's, shared with the service's PartiQL library as far as nine checked strings go, or
// Tideline's).

#include <algorithm>
#include <cctype>

#include "common/api_error.h"
#include "model/decimal.h"
#include "partiql/errors.h"
#include "partiql/lexer.h"
#include "partiql/statement.h"

namespace tideline::partiql {

namespace {

using expr::CompareOp;
using expr::Function;
using expr::Node;
using expr::NodeKind;
using model::AttributeValue;
using model::AvType;

// The deepest document path DynamoDB accepts, counting the top-level attribute.
constexpr size_t kMaxPathDepth = 32;
// A list/map literal nested deeper than this cannot be stored (model/attribute_value.cc).
constexpr int kMaxLiteralDepth = 31;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
// `word` equals `upper` (an upper-case keyword) ignoring case, without allocating: keyword tests
// run for nearly every token.
bool EqualsUpper(std::string_view word, std::string_view upper) {
  if (word.size() != upper.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(word[i])) != upper[i]) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Words of the grammar: written bare they never name an attribute (quote them: "value").
bool IsKeyword(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {
      "ALL",    "AND",   "AS",     "ASC",      "BETWEEN", "BY",     "DELETE", "DESC",
      "EXISTS", "FALSE", "FROM",   "IN",       "INSERT",  "INTO",   "IS",     "MISSING",
      "NEW",    "NOT",   "NULL",   "OLD",      "OR",      "ORDER",  "REMOVE", "RETURNING",
      "SELECT", "SET",   "TRUE",   "UPDATE",   "VALUE",   "VALUES", "WHERE",  "MODIFIED",
      "LIMIT",  "GROUP", "HAVING", "DISTINCT", "LIKE"};
  return std::any_of(std::begin(kKeywords), std::end(kKeywords),
                     [&](std::string_view k) { return EqualsUpper(word, k); });
}

// Keywords that are infix operators: where a term should start, AWS says "Unexpected operator"
// (recorded for IS and LIKE).
bool IsOperatorWord(std::string_view word) {
  static constexpr std::string_view kOperators[] = {"AND", "OR", "IS", "LIKE", "BETWEEN", "IN"};
  return std::any_of(std::begin(kOperators), std::end(kOperators),
                     [&](std::string_view k) { return EqualsUpper(word, k); });
}

bool IsBooleanNode(const Node& n) {
  switch (n.kind) {
    case NodeKind::kCompare:
    case NodeKind::kBetween:
    case NodeKind::kIn:
    case NodeKind::kAnd:
    case NodeKind::kOr:
    case NodeKind::kNot:
      return true;
    case NodeKind::kFunction:
      return n.function != Function::kSize && n.function != Function::kListAppend &&
             n.function != Function::kIfNotExists;
    default:
      return false;
  }
}

class Parser {
 public:
  Parser(std::string_view text, const std::vector<AttributeValue>& parameters)
      : tokens_(Tokenize(text)),
        parameters_(parameters),
        values_(std::make_shared<expr::ValueTable>()) {}

  Statement Parse() {
    Statement st;
    if (AtWord("SELECT")) {
      ParseSelect(&st);
    } else if (AtWord("INSERT")) {
      ParseInsert(&st);
    } else if (AtWord("UPDATE")) {
      ParseUpdate(&st);
    } else if (AtWord("DELETE")) {
      ParseDelete(&st);
    } else if (AtWord("FROM")) {
      ParseFromFirstUpdate(&st);
    } else if (AtWord("EXISTS")) {
      Advance();
      ExpectPunct("(");
      if (!AtWord("SELECT")) NotWellFormed("Expected data manipulation");
      ParseSelect(&st);
      ExpectPunct(")");
      st.kind = StatementKind::kExists;
    } else {
      NotWellFormed("Expected data manipulation");
    }
    if (AtPunct(";")) Advance();
    if (Kind() != TokenKind::kEof) NotWellFormed("Unexpected token after expression");
    if (next_parameter_ != parameters_.size()) {
      // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
      Invalid("Number of parameters in request and statement don't match.");
    }
    return st;
  }

 private:
  // ---- tokens ----
  const Token& Cur() const { return tokens_[pos_]; }
  TokenKind Kind() const { return Cur().kind; }
  void Advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  bool AtWord(std::string_view upper) const {
    return Kind() == TokenKind::kIdentifier && EqualsUpper(Cur().text, upper);
  }
  bool AtPunct(std::string_view p) const { return Kind() == TokenKind::kPunct && Cur().text == p; }
  bool PeekPunct(size_t ahead, std::string_view p) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i].kind == TokenKind::kPunct && tokens_[i].text == p;
  }
  void ExpectWord(std::string_view upper) {
    if (!AtWord(upper)) UnexpectedHere();
    Advance();
  }
  void ExpectPunct(std::string_view p) {
    if (!AtPunct(p)) UnexpectedHere();
    Advance();
  }
  // The detail AWS gives for a token that cannot start what the grammar wants here.
  [[noreturn]] void UnexpectedHere() const {
    if (Kind() == TokenKind::kIdentifier && IsOperatorWord(Cur().text)) {
      NotWellFormed("Unexpected operator");
    }
    if (Kind() == TokenKind::kIdentifier && IsKeyword(Cur().text))
      NotWellFormed("Unexpected keyword");
    if (Kind() == TokenKind::kPunct && Cur().text != "(" && Cur().text != ")" &&
        Cur().text != ";" && Cur().text != ",") {
      NotWellFormed("Unexpected operator");
    }
    NotWellFormed("Unexpected term");
  }

  void Enter() {
    // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
    if (++depth_ > kMaxNestingDepth) NotWellFormed("Statement nesting exceeds the supported depth");
  }
  void Leave() { --depth_; }

  // ---- FROM / table names ----
  // A name: a bare identifier that is not a keyword, or a quoted one.
  std::string ParseName() {
    if (Kind() == TokenKind::kQuotedIdentifier ||
        (Kind() == TokenKind::kIdentifier && !IsKeyword(Cur().text))) {
      std::string name = Cur().text;
      Advance();
      return name;
    }
    NotWellFormed("Expected identifier for simple path");
  }

  // table[.index]; `dml`: INSERT/UPDATE/DELETE, which take no index.
  void ParseTablePath(Statement* st, StatementKind kind) {
    std::vector<std::string> parts{ParseName()};
    while (AtPunct(".")) {
      Advance();
      parts.push_back(ParseName());
    }
    for (const std::string& p : parts) {
      if (p.empty()) Invalid("Path component cannot be an empty string");
    }
    if (parts.size() > 2) Invalid("A path may contain at most 2 components in the FROM clause");
    if (parts.size() == 2) {
      if (kind == StatementKind::kInsert) {
        Invalid("FROM clause may only contain a single table name in data manipulation statements");
      }
      if (kind != StatementKind::kSelect) Invalid("This operation is not supported on an index");
      st->index = parts[1];
    }
    st->table = parts[0];
    if (kind == StatementKind::kInsert) return;
    // ⚠ DynamoDB Local's message for a join; AWS's is unrecorded.
    if (kind == StatementKind::kSelect && AtPunct(","))
      Invalid("Only select from a single table or index is supported.");
    // Words that continue a query in PartiQL, not aliases: OFFSET is a clause DynamoDB does not
    // support (as LIMIT); a set operator joins a second query, which it does not either.
    // ⚠ AWS's texts for both are unrecorded.
    if (AtWord("OFFSET")) Invalid("Unsupported clause: OFFSET");
    if (AtWord("UNION") || AtWord("INTERSECT") || AtWord("EXCEPT")) {
      NotWellFormed("Unexpected keyword");
    }
    // SELECT * FROM t x / t AS x (message recorded on AWS)
    if (AtWord("AS") || Kind() == TokenKind::kQuotedIdentifier ||
        (Kind() == TokenKind::kIdentifier && !IsKeyword(Cur().text))) {
      Invalid("Aliasing is not supported");
    }
  }

  // ---- statements ----
  void ParseSelect(Statement* st) {
    st->kind = StatementKind::kSelect;
    Advance();  // SELECT
    // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
    if (AtWord("DISTINCT")) Invalid("Unsupported token in expression: DISTINCT");
    // ⚠ DynamoDB Local's message; AWS's is unrecorded.
    if (AtWord("VALUE") || AtWord("PIVOT"))
      Invalid("Select projection doesn't support value or pivot keywords");
    // ⚠ "Other attributes ... when '*' is used." is DynamoDB Local's text; unconfirmed on AWS.
    if (AtPunct("*")) {
      st->select_all = true;
      Advance();
      if (AtPunct(","))
        Invalid("Other attributes should not be present in the projection when '*' is used.");
    } else {
      while (true) {
        if (AtWord("FROM")) NotWellFormed("Unexpected keyword");
        st->projection.push_back(ParsePath());
        if (AtPunct("*"))
          Invalid("Other attributes should not be present in the projection when '*' is used.");
        if (!AtPunct(",")) break;
        Advance();
        if (AtPunct("*"))
          Invalid("Other attributes should not be present in the projection when '*' is used.");
      }
    }
    if (!AtWord("FROM")) UnexpectedHere();
    Advance();
    if (Kind() == TokenKind::kEof || AtPunct(";")) NotWellFormed("Unexpected term");
    ParseTablePath(st, StatementKind::kSelect);
    if (AtWord("WHERE")) {
      Advance();
      st->where = ParseWhere();
    }
    if (AtWord("ORDER")) {
      Advance();
      ExpectWord("BY");
      while (true) {
        OrderKey key;
        key.name = ParseName();
        if (AtPunct(".") || AtPunct("[")) {
          // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
          Invalid("Argument to ORDER BY must be of type VariableReference. Type: Path");
        }
        if (AtWord("ASC")) {
          Advance();
        } else if (AtWord("DESC")) {
          key.descending = true;
          Advance();
        }
        st->order_by.push_back(std::move(key));
        if (!AtPunct(",")) break;
        Advance();
      }
    }
    for (const char* clause : {"GROUP", "HAVING", "LIMIT"}) {
      if (AtWord(clause))
        // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
        Invalid(std::string("Unsupported clause: ") + (clause[0] == 'G' ? "GROUP BY" : clause));
    }
  }

  void ParseInsert(Statement* st) {
    st->kind = StatementKind::kInsert;
    Advance();  // INSERT
    ExpectWord("INTO");
    ParseTablePath(st, StatementKind::kInsert);
    // VALUES (...), a bag of items (<< ... >>) and a SELECT as the source all insert several
    // items (⚠ DynamoDB Local's message, for its INSERT of a collection; AWS's is unrecorded).
    if (AtWord("VALUES") || AtPunct("<<") || AtWord("SELECT")) Invalid(kInsertsSeveralItems);
    // INSERT INTO t alias VALUE ...: the alias is a token left over (recorded on AWS).
    if (Kind() == TokenKind::kQuotedIdentifier ||
        (Kind() == TokenKind::kIdentifier && !IsKeyword(Cur().text))) {
      NotWellFormed("Unexpected token after expression");
    }
    ExpectWord("VALUE");
    if (!AtPunct("{")) {
      if (Kind() == TokenKind::kParameter) {
        AttributeValue v = ParseLiteral("root", 0);
        // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
        if (v.type != AvType::kM) Invalid(kNotTuple);
        st->item = std::move(v.map);
      } else {
        if (Kind() == TokenKind::kEof) NotWellFormed("Unexpected term");
        Invalid(kNotTuple);
      }
    } else {
      st->item = ParseLiteral(kItemRoot, 0).map;
    }
    // Item attribute names follow the item rules (1..65535 bytes), as PutItem's do.
    for (const auto& [name, value] : st->item) {
      model::CheckAttributeName(name);
      CheckNesting(value, 0);
    }
    // ⚠ The next three are DynamoDB Local's messages (ValidationExceptionMessages); AWS's are
    // unrecorded.
    if (AtWord("AT")) Invalid("AT is not supported in insert statements.");
    if (AtWord("ON") && PeekWord(1, "CONFLICT")) ParseOnConflict();
    if (AtWord("RETURNING")) Invalid("RETURNING is not supported in INSERT");
  }

  // INSERT ... ON CONFLICT [WHERE condition] DO action: PartiQL's form, which DynamoDB's
  // dialect refuses whatever the action (an INSERT of an existing key is always
  // DuplicateItemException). DynamoDB Local answers DO NOTHING with "Unsupported clause: ON
  // CONFLICT" and has "Invalid conflict action. Only \"DO NOTHING\" action is supported." for
  // another action; ⚠ AWS's texts are unrecorded.
  [[noreturn]] void ParseOnConflict() {
    Advance();  // ON
    Advance();  // CONFLICT
    while (Kind() != TokenKind::kEof && !AtWord("DO")) Advance();
    if (!AtWord("DO")) NotWellFormed("Unexpected term");
    Advance();
    if (Kind() != TokenKind::kIdentifier) UnexpectedHere();
    if (AtWord("NOTHING")) Invalid("Unsupported clause: ON CONFLICT");
    Invalid("Invalid conflict action. Only \"DO NOTHING\" action is supported.");
  }

  void ParseUpdate(Statement* st) {
    st->kind = StatementKind::kUpdate;
    Advance();  // UPDATE
    if (Kind() == TokenKind::kEof) NotWellFormed("Expected identifier for simple path");
    ParseTablePath(st, StatementKind::kUpdate);
    ParseUpdateActions(st);
    if (!AtWord("WHERE")) {
      if (Kind() == TokenKind::kEof || AtPunct(";")) Invalid(kMissingKeyEquality);
      UnexpectedHere();
    }
    Advance();
    st->where = ParseWhere();
    ParseReturning(st);
  }

  // FROM table [WHERE condition] SET|REMOVE ...: PartiQL's FROM-first form of UPDATE, which
  // DynamoDB runs as `UPDATE table SET ... WHERE condition`. Recorded on AWS: without a WHERE
  // naming the whole key it is "Where clause does not contain a mandatory equality on all key
  // attributes"; a WHERE after the actions is a token left over; an unknown table is
  // ResourceNotFoundException.
  void ParseFromFirstUpdate(Statement* st) {
    st->kind = StatementKind::kUpdate;
    Advance();  // FROM
    if (Kind() == TokenKind::kEof) NotWellFormed("Expected identifier for simple path");
    ParseTablePath(st, StatementKind::kUpdate);
    if (AtWord("WHERE")) {
      Advance();
      st->where = ParseWhere();
    }
    ParseUpdateActions(st);
    if (!st->where && (Kind() == TokenKind::kEof || AtPunct(";"))) Invalid(kMissingKeyEquality);
    ParseReturning(st);
  }

  // One or more SET/REMOVE clauses of an UPDATE.
  void ParseUpdateActions(Statement* st) {
    st->update = std::make_shared<expr::UpdatePlan>();
    update_tree_ = &st->update->tree;
    update_tree_->values = values_;
    bool any = false;
    while (AtWord("SET") || AtWord("REMOVE")) {
      any = true;
      const bool set = AtWord("SET");
      Advance();
      while (true) {
        if (set)
          ParseSetAction(st->update.get());
        else
          ParseRemoveAction(st->update.get());
        if (!AtPunct(",")) break;
        Advance();
      }
    }
    if (!any) {
      if (AtWord("ADD") || AtWord("DELETE")) {
        // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
        Invalid("Only SET and REMOVE are supported in update expressions at this time");
      }
      UnexpectedHere();
    }
  }

  void ParseDelete(Statement* st) {
    st->kind = StatementKind::kDelete;
    Advance();  // DELETE
    ExpectWord("FROM");
    ParseTablePath(st, StatementKind::kDelete);
    if (!AtWord("WHERE")) {
      if (Kind() == TokenKind::kEof || AtPunct(";")) Invalid(kMissingKeyEquality);
      UnexpectedHere();
    }
    Advance();
    st->where = ParseWhere();
    ParseReturning(st);
    if (st->returning != Returning::kNone && st->returning != Returning::kAllOld) {
      Invalid("Invalid returning clause: RETURNING " + returning_text_ +
              ". Only RETURNING ALL OLD * is allowed in DELETE statements.");
    }
  }

  void ParseReturning(Statement* st) {
    if (!AtWord("RETURNING")) return;
    Advance();
    const bool all = AtWord("ALL");
    if (!all && !AtWord("MODIFIED")) UnexpectedHere();
    Advance();
    const bool old = AtWord("OLD");
    if (!old && !AtWord("NEW")) UnexpectedHere();
    Advance();
    if (!AtPunct("*"))
      // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
      Invalid("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    Advance();
    returning_text_ = std::string(all ? "ALL" : "MODIFIED") + (old ? " OLD *" : " NEW *");
    st->returning = all ? (old ? Returning::kAllOld : Returning::kAllNew)
                        : (old ? Returning::kModifiedOld : Returning::kModifiedNew);
  }

  // ---- UPDATE actions ----
  void ParseSetAction(expr::UpdatePlan* plan) {
    tree_ = update_tree_;
    expr::Path path = ParsePath();
    if (!AtPunct("=")) UnexpectedHere();
    Advance();
    // SET s = SET_ADD(s, <<...>>) / SET_DELETE(s, <<...>>): DynamoDB's ADD and DELETE of a set.
    // ⚠ The SET_<op> messages below are DynamoDB Local's; unconfirmed on AWS.
    if (Kind() == TokenKind::kIdentifier && PeekPunct(1, "(")) {
      const std::string name = Upper(Cur().text);
      if (name == "SET_ADD" || name == "SET_DELETE") {
        const std::string suffix = name.substr(4);
        Advance();
        Advance();
        if (Kind() == TokenKind::kPunct && Cur().text == ")") {
          Invalid("SET_" + suffix + " must have exactly two arguments");
        }
        expr::Path first = ParsePath();
        if (!(first == path))
          Invalid("The first argument to SET_" + suffix + " must equal the assignment value");
        if (!AtPunct(",")) Invalid("SET_" + suffix + " must have exactly two arguments");
        Advance();
        AttributeValue set = ParseLiteral("root", 0);
        if (!set.is_set())
          Invalid("The second argument to SET_" + suffix + " must be a value with type SET");
        if (!AtPunct(")")) Invalid("SET_" + suffix + " must have exactly two arguments");
        Advance();
        expr::UpdateAction a;
        a.kind = name == "SET_ADD" ? expr::ActionKind::kAdd : expr::ActionKind::kDelete;
        a.path = AddPathEntry(std::move(path));
        a.node = tree_->AddValue(AddValueEntry(std::move(set)));
        plan->actions.push_back(a);
        return;
      }
    }
    const uint32_t value = ParseAdditive();
    // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
    if (IsBooleanNode(tree_->nodes[value])) Invalid("Unsupported operation: boolean value in SET");
    expr::UpdateAction a;
    a.kind = expr::ActionKind::kSet;
    a.path = AddPathEntry(std::move(path));
    a.node = value;
    plan->actions.push_back(a);
  }

  void ParseRemoveAction(expr::UpdatePlan* plan) {
    tree_ = update_tree_;
    expr::UpdateAction a;
    a.kind = expr::ActionKind::kRemove;
    a.path = AddPathEntry(ParsePath());
    plan->actions.push_back(a);
  }

  // An entry of tree_->paths that is not a node (an action's target).
  uint32_t AddPathEntry(expr::Path path) {
    tree_->paths.push_back(std::move(path));
    return static_cast<uint32_t>(tree_->paths.size() - 1);
  }
  uint32_t AddValueEntry(AttributeValue v) {
    CheckNesting(v, 0);
    values_->values.push_back(std::move(v));
    return static_cast<uint32_t>(values_->values.size() - 1);
  }

  // ---- WHERE ----
  std::shared_ptr<expr::Condition> ParseWhere() {
    auto c = std::make_shared<expr::Condition>();
    c->tree.values = values_;
    tree_ = &c->tree;
    if (Kind() == TokenKind::kEof || AtPunct(";")) NotWellFormed("Unexpected term");
    c->root = ParseOr();
    if (!IsBooleanNode(tree_->nodes[c->root])) {
      // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
      Invalid("WHERE clause must contain an expression that resolves to a boolean");
    }
    return c;
  }

  uint32_t Binary(NodeKind kind, uint32_t l, uint32_t r) {
    Node n;
    n.kind = kind;
    return tree_->Add(n, {l, r});
  }

  uint32_t RightOperand(uint32_t (Parser::*parse)()) {
    if (Kind() == TokenKind::kEof || AtPunct(";") || AtPunct(")")) {
      NotWellFormed("Missing right-hand side expression of infix operator");
    }
    return (this->*parse)();
  }

  void RequireBoolean(uint32_t id) {
    if (!IsBooleanNode(tree_->nodes[id]))
      // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
      Invalid("Unsupported operand type for AND, OR or NOT: expected a boolean");
  }
  void RequireValue(uint32_t id) {
    if (IsBooleanNode(tree_->nodes[id]))
      // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
      Invalid("Unsupported operation: comparison of a boolean expression");
  }

  uint32_t ParseOr() {
    uint32_t left = ParseAnd();
    while (AtWord("OR")) {
      Advance();
      uint32_t right = RightOperand(&Parser::ParseAnd);
      RequireBoolean(left);
      RequireBoolean(right);
      left = Binary(NodeKind::kOr, left, right);
    }
    return left;
  }

  uint32_t ParseAnd() {
    uint32_t left = ParseNot();
    while (AtWord("AND")) {
      Advance();
      uint32_t right = RightOperand(&Parser::ParseNot);
      RequireBoolean(left);
      RequireBoolean(right);
      left = Binary(NodeKind::kAnd, left, right);
    }
    return left;
  }

  uint32_t ParseNot() {
    if (!AtWord("NOT")) return ParsePredicate();
    Advance();
    // A prefix operator with nothing after it (recorded on AWS for `WHERE NOT`).
    if (Kind() == TokenKind::kEof || AtPunct(";")) NotWellFormed("Unexpected term");
    Enter();
    uint32_t operand = RightOperand(&Parser::ParseNot);
    Leave();
    RequireBoolean(operand);
    Node n;
    n.kind = NodeKind::kNot;
    return tree_->Add(n, {operand});
  }

  uint32_t Not(uint32_t id) {
    Node n;
    n.kind = NodeKind::kNot;
    return tree_->Add(n, {id});
  }

  uint32_t ParsePredicate() {
    const uint32_t left = ParseAdditive();
    static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
        {"=", CompareOp::kEq}, {"<>", CompareOp::kNe}, {"!=", CompareOp::kNe},
        {"<", CompareOp::kLt}, {"<=", CompareOp::kLe}, {">", CompareOp::kGt},
        {">=", CompareOp::kGe}};
    if (Kind() == TokenKind::kPunct) {
      for (const auto& [text, op] : kOps) {
        if (Cur().text != text) continue;
        Advance();
        const uint32_t right = RightOperand(&Parser::ParseAdditive);
        RequireValue(left);
        RequireValue(right);
        CheckOrderedOperand(op, left, right, text);
        Node n;
        n.kind = NodeKind::kCompare;
        n.op = op;
        return tree_->Add(n, {left, right});
      }
      return left;
    }
    bool negate = false;
    if (AtWord("NOT") && (PeekWord(1, "BETWEEN") || PeekWord(1, "IN"))) {
      negate = true;
      Advance();
    }
    if (AtWord("BETWEEN")) {
      Advance();
      const uint32_t low = RightOperand(&Parser::ParseAdditive);
      ExpectWord("AND");
      const uint32_t high = RightOperand(&Parser::ParseAdditive);
      RequireValue(left);
      RequireValue(low);
      RequireValue(high);
      CheckOrderedOperand(CompareOp::kLt, left, low, "BETWEEN");
      CheckOrderedOperand(CompareOp::kLt, left, high, "BETWEEN");
      Node n;
      n.kind = NodeKind::kBetween;
      uint32_t id = tree_->Add(n, {left, low, high});
      return negate ? Not(id) : id;
    }
    if (AtWord("IN")) {
      Advance();
      RequireValue(left);
      std::vector<uint32_t> kids{left};
      if (!AtPunct("[") && !AtPunct("(")) {
        if (Kind() == TokenKind::kParameter) {
          AttributeValue list = ParseLiteral("root", 0);
          // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
          if (list.type != AvType::kL || list.list.empty()) Invalid(kBadIn);
          for (AttributeValue& v : list.list)
            kids.push_back(tree_->AddValue(AddValueEntry(std::move(v))));
        } else {
          Invalid(kBadIn);
        }
      } else {
        const std::string close = AtPunct("[") ? "]" : ")";
        Advance();
        if (AtPunct(close)) Invalid(kBadIn);
        Enter();
        while (true) {
          kids.push_back(tree_->AddValue(AddValueEntry(ParseLiteral("root", 1))));
          if (!AtPunct(",")) break;
          Advance();
        }
        Leave();
        ExpectPunct(close);
      }
      // "at max 50 hash attribute values or at max 100 non-key attribute values" (AWS,
      // ql-operators); the partition-key limit is the SELECT planner's (api/partiql_select.cc).
      // ⚠ The message is the one AWS gives for an expression's IN ("Invalid FilterExpression:
      // The IN operator is provided with too many operands; number of operands: 163", recorded
      // on AWS) without the expression's prefix, counting the list's values; PartiQL's own text is
      // unrecorded.
      const size_t values = kids.size() - 1;
      if (values > kMaxInValues) {
        Invalid("The IN operator is provided with too many operands; number of operands: " +
                std::to_string(values));
      }
      Node n;
      n.kind = NodeKind::kIn;
      uint32_t id = tree_->Add(n, kids.data(), kids.size());
      return negate ? Not(id) : id;
    }
    if (AtWord("IS")) {
      Advance();
      bool is_not = false;
      if (AtWord("NOT")) {
        is_not = true;
        Advance();
      }
      RequireValue(left);
      uint32_t id = ParseTypeTest(left);
      return is_not ? Not(id) : id;
    }
    // PartiQL's LIKE is not among DynamoDB's operators (ql-operators); ⚠ DynamoDB Local's
    // message for an operator it cannot translate, AWS's is unrecorded.
    if (AtWord("LIKE") || (AtWord("NOT") && PeekWord(1, "LIKE"))) {
      Invalid("Unsupported operator in Condition Expression. Operator: LIKE");
    }
    return left;
  }

  bool PeekWord(size_t ahead, std::string_view upper) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i].kind == TokenKind::kIdentifier && EqualsUpper(tokens_[i].text, upper);
  }

  // `x IS <type>`: MISSING (the attribute is absent), NULL (absent or NULL, as PartiQL's NULL
  // test counts MISSING), or a type name, tested with attribute_type.
  uint32_t ParseTypeTest(uint32_t operand) {
    if (Kind() != TokenKind::kIdentifier) NotWellFormed("Expected type name");
    const std::string type = Upper(Cur().text);
    Advance();
    if (type == "MISSING") return Function1(Function::kAttributeNotExists, operand);
    uint32_t not_exists = Function1(Function::kAttributeNotExists, operand);
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {"NULL", "NULL"}, {"BOOLEAN", "BOOL"}, {"BOOL", "BOOL"}, {"STRING", "S"},
        {"NUMERIC", "N"}, {"INT", "N"},        {"DECIMAL", "N"}, {"FLOAT", "N"},
        {"STRUCT", "M"},  {"TUPLE", "M"},      {"LIST", "L"},    {"BLOB", "B"}};
    for (const auto& [name, code] : kTypes) {
      if (type != name) continue;
      const uint32_t code_node =
          tree_->AddValue(AddValueEntry(AttributeValue::String(std::string(code))));
      Node n;
      n.kind = NodeKind::kFunction;
      n.function = Function::kAttributeType;
      const uint32_t typed = tree_->Add(n, {operand, code_node});
      if (type != "NULL") return typed;
      return Binary(NodeKind::kOr, not_exists, typed);
    }
    NotWellFormed("Expected type name");
  }

  uint32_t Function1(Function f, uint32_t operand) {
    Node n;
    n.kind = NodeKind::kFunction;
    n.function = f;
    return tree_->Add(n, {operand});
  }

  // < <= > >= and BETWEEN refuse a constant operand of a type without an order.
  void CheckOrderedOperand(CompareOp op, uint32_t left, uint32_t right, std::string_view text) {
    if (op == CompareOp::kEq || op == CompareOp::kNe) return;
    for (uint32_t id : {left, right}) {
      const Node& n = tree_->nodes[id];
      if (n.kind != NodeKind::kValue) continue;
      const AttributeValue& v = values_->values[n.ref];
      if (v.type == AvType::kN || v.type == AvType::kS || v.type == AvType::kB) continue;
      Invalid("Incorrect operand type for operator or function; operator or function: " +
              std::string(text) + ", operand type: " + model::AvTypeName(v.type));
    }
  }

  uint32_t ParseAdditive() {
    uint32_t left = ParsePrimary();
    // Each operator deepens the (left-leaning) tree that evaluation walks recursively.
    const int depth_before = depth_;
    while (AtPunct("+") || AtPunct("-")) {
      Enter();
      const NodeKind kind = AtPunct("+") ? NodeKind::kPlus : NodeKind::kMinus;
      Advance();
      uint32_t right = RightOperand(&Parser::ParsePrimary);
      RequireValue(left);
      RequireValue(right);
      left = Binary(kind, left, right);
    }
    depth_ = depth_before;
    return left;
  }

  bool AtLiteralStart() const {
    switch (Kind()) {
      case TokenKind::kString:
      case TokenKind::kNumber:
      case TokenKind::kParameter:
        return true;
      case TokenKind::kIdentifier:
        return AtWord("TRUE") || AtWord("FALSE") || AtWord("NULL");
      case TokenKind::kPunct:
        return AtPunct("[") || AtPunct("{") || AtPunct("<<") ||
               (AtPunct("-") &&
                tokens_[std::min(pos_ + 1, tokens_.size() - 1)].kind == TokenKind::kNumber);
      default:
        return false;
    }
  }

  uint32_t ParsePrimary() {
    if (AtPunct("(")) {
      Advance();
      Enter();
      uint32_t inner = ParseOr();
      Leave();
      ExpectPunct(")");
      return inner;
    }
    if (AtLiteralStart()) return tree_->AddValue(AddValueEntry(ParseLiteral("root", 0)));
    // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
    if (AtWord("MISSING")) Invalid("MISSING must be compared using IS operator");
    if (Kind() == TokenKind::kIdentifier && PeekPunct(1, "(")) return ParseFunction();
    if (Kind() == TokenKind::kQuotedIdentifier ||
        (Kind() == TokenKind::kIdentifier && !IsKeyword(Cur().text))) {
      return tree_->AddPath(ParsePath());
    }
    UnexpectedHere();
  }

  uint32_t ParseFunction() {
    const std::string name = Lower(Cur().text);
    Advance();
    Advance();  // (
    Enter();
    std::vector<uint32_t> args;
    if (!AtPunct(")")) {
      while (true) {
        args.push_back(ParseAdditive());
        if (!AtPunct(",")) break;
        Advance();
      }
    }
    ExpectPunct(")");
    Leave();
    const expr::FunctionInfo* info = expr::LookupFunction(name);
    // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
    if (!info) Invalid("Unrecognized function: " + name);
    if (args.size() != info->arity) {
      // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
      Invalid("Incorrect number of arguments for function " + name + ": " +
              std::to_string(args.size()));
    }
    // WHERE takes the condition functions; SET takes list_append and if_not_exists.
    const bool allowed = tree_ == update_tree_ ? (info->function == Function::kListAppend ||
                                                  info->function == Function::kIfNotExists)
                                               : expr::IsConditionFunction(info->function);
    if (!allowed) Invalid("Unrecognized function: " + name);
    if (info->function == Function::kIfNotExists && tree_->nodes[args[0]].kind != NodeKind::kPath) {
      // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
      Invalid("The first argument to if_not_exists must be a path");
    }
    for (uint32_t a : args) RequireValue(a);
    Node n;
    n.kind = NodeKind::kFunction;
    n.function = info->function;
    return tree_->Add(n, args.data(), args.size());
  }

  // ---- paths ----
  expr::Path ParsePath() {
    expr::Path path;
    expr::PathElement first;
    if (Kind() == TokenKind::kQuotedIdentifier ||
        (Kind() == TokenKind::kIdentifier && !IsKeyword(Cur().text))) {
      first.name = Cur().text;
      Advance();
    } else {
      UnexpectedHere();
    }
    path.push_back(std::move(first));
    while (AtPunct(".") || AtPunct("[")) {
      expr::PathElement e;
      if (AtPunct(".")) {
        Advance();
        if (Kind() != TokenKind::kIdentifier && Kind() != TokenKind::kQuotedIdentifier)
          UnexpectedHere();
        e.name = Cur().text;
        Advance();
      } else {
        Advance();
        if (Kind() != TokenKind::kNumber ||
            Cur().text.find_first_not_of("0123456789") != std::string::npos ||
            Cur().text.size() > 9) {
          // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
          Invalid("List index is not within the allowable range; index: [" + Cur().text + "]");
        }
        e.index = std::stoi(Cur().text);
        Advance();
        ExpectPunct("]");
      }
      path.push_back(std::move(e));
      if (path.size() > kMaxPathDepth) {
        // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
        Invalid("Invalid document path: the path is nested deeper than " +
                std::to_string(kMaxPathDepth) + " levels");
      }
    }
    return path;
  }

  // ---- literals ----
  // A constant value; `where` names its place in DynamoDB's number messages ("root", "root.x",
  // "root[1]").
  AttributeValue ParseLiteral(const std::string& where, int depth) {
    switch (Kind()) {
      case TokenKind::kString: {
        AttributeValue v = AttributeValue::String(Cur().text);
        Advance();
        return v;
      }
      case TokenKind::kNumber:
        return Number("", where);
      case TokenKind::kParameter: {
        Advance();
        if (next_parameter_ >= parameters_.size()) {
          Invalid("Number of parameters in request and statement don't match.");
        }
        return parameters_[next_parameter_++];
      }
      case TokenKind::kIdentifier:
        if (AtWord("TRUE") || AtWord("FALSE")) {
          AttributeValue v = AttributeValue::Bool(AtWord("TRUE"));
          Advance();
          return v;
        }
        if (AtWord("NULL")) {
          Advance();
          return AttributeValue::Null();
        }
        if (AtWord("MISSING")) Invalid("MISSING must be compared using IS operator");
        // ⚠ Tideline's text: no DynamoDB wording is recorded for this case.
        Invalid("Unsupported value: only literals and parameters may appear in a value under " +
                where);
      case TokenKind::kPunct:
        if (AtPunct("-")) {
          Advance();
          if (Kind() != TokenKind::kNumber) UnexpectedHere();
          return Number("-", where);
        }
        if (AtPunct("[")) return ParseList(where, depth);
        if (AtPunct("{")) return ParseTuple(where, depth);
        if (AtPunct("<<")) return ParseBag(where);
        UnexpectedHere();
      default:
        UnexpectedHere();
    }
  }

  AttributeValue Number(const std::string& sign, const std::string& where) {
    const std::string text = sign + Cur().text;
    Advance();
    // An exponent beyond a 32-bit integer is a literal AWS cannot convert at all.
    size_t e = text.find_first_of("eE");
    if (e != std::string::npos) {
      std::string digits = text.substr(e + 1);
      if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.erase(0, 1);
      if (digits.size() > 9) NotWellFormed("");
    }
    // The number messages are AWS's, with " under <path>" naming where the literal sits inside
    // its value (recorded on AWS).
    std::string error;
    auto d = model::Decimal::Parse(text, &error);
    if (!d) Invalid(error + " under " + where);
    return AttributeValue::Number(d->ToString());
  }

  // A parameter (validated at depth 0) placed inside a literal collection may nest deeper than
  // an item may hold: refuse it here rather than store an item no read could parse.
  static void CheckNesting(const AttributeValue& v, int depth) {
    if (v.type != AvType::kL && v.type != AvType::kM) return;
    if (depth > kMaxLiteralDepth) Invalid(kNesting);
    for (const AttributeValue& e : v.list) CheckNesting(e, depth + 1);
    for (const auto& [name, e] : v.map) CheckNesting(e, depth + 1);
  }

  void EnterLiteral(int depth) {
    if (depth > kMaxLiteralDepth) Invalid(kNesting);
    Enter();
  }

  AttributeValue ParseList(const std::string& where, int depth) {
    EnterLiteral(depth);
    Advance();  // [
    AttributeValue v;
    v.type = AvType::kL;
    if (!AtPunct("]")) {
      while (true) {
        v.list.push_back(
            ParseLiteral(where + "[" + std::to_string(v.list.size()) + "]", depth + 1));
        if (!AtPunct(",")) break;
        Advance();
      }
    }
    ExpectPunct("]");
    Leave();
    return v;
  }

  AttributeValue ParseTuple(const std::string& given_where, int depth) {
    // The item of an INSERT: each attribute's value is a root of its own (AWS names a number
    // literal of {'pk': 1e126} "under root", of {'m': {'x': 1e126}} "under root.x" and of
    // {'l': [1, 1e126]} "under root[1]").
    const bool item = given_where == kItemRoot;
    const std::string where = item ? "root" : given_where;
    EnterLiteral(depth);
    Advance();  // {
    AttributeValue v;
    v.type = AvType::kM;
    if (!AtPunct("}")) {
      while (true) {
        if (Kind() != TokenKind::kString) {
          if (Kind() == TokenKind::kNumber || AtWord("TRUE") || AtWord("FALSE")) {
            // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
            Invalid("Tuple keys must be of type String. Actual type: " +
                    std::string(Kind() == TokenKind::kNumber ? "Number" : "Boolean") + " under " +
                    where);
          }
          UnexpectedHere();
        }
        std::string key = Cur().text;
        Advance();
        ExpectPunct(":");
        AttributeValue member = ParseLiteral(item ? where : where + "." + key, depth + 1);
        // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
        if (v.map.count(key)) Invalid("Duplicate keys in tuple. Key: " + key + " under " + where);
        v.map.emplace(std::move(key), std::move(member));
        if (!AtPunct(",")) break;
        Advance();
      }
    }
    ExpectPunct("}");
    Leave();
    return v;
  }

  AttributeValue ParseBag(const std::string& where) {
    Advance();  // <<
    // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
    if (AtPunct(">>")) Invalid("Empty bags are not supported");
    AttributeValue v;
    AvType element = AvType::kNull;
    while (true) {
      AttributeValue e = ParseLiteral(where, kMaxLiteralDepth);
      if ((e.type != AvType::kN && e.type != AvType::kS) ||
          (element != AvType::kNull && e.type != element)) {
        // ⚠ DynamoDB Local's text (its ValidationExceptionMessages); unconfirmed on AWS.
        Invalid(
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in "
            "bags");
      }
      element = e.type;
      // A set holds each element once (numbers are canonical, so equal numbers are equal text).
      if (std::find(v.set.begin(), v.set.end(), e.scalar) == v.set.end()) {
        v.set.push_back(std::move(e.scalar));
      }
      if (!AtPunct(",")) break;
      Advance();
    }
    ExpectPunct(">>");
    v.type = element == AvType::kN ? AvType::kNS : AvType::kSS;
    return v;
  }

  // PutItem's message for an item nested too deep (AWS's, for items).
  static constexpr const char* kNesting =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
      "beyond supported limit";
  // ⚠ kNotTuple and kBadIn are DynamoDB Local's texts; unconfirmed on AWS.
  static constexpr const char* kNotTuple =
      "Unsupported format in item expression. Please use struct format {...} to express item "
      "values for insert statement.";
  static constexpr size_t kMaxInValues = 100;
  static constexpr const char* kItemRoot = "<item>";
  static constexpr const char* kInsertsSeveralItems =
      "Unsupported operation: Inserting multiple items in a single statement is not supported, "
      "use \"INSERT INTO tableName VALUE item\" instead";
  static constexpr const char* kBadIn =
      "IN operator must have a left hand argument of type Variable Reference and right hand "
      "argument of type Seq with at least one member";

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  const std::vector<AttributeValue>& parameters_;
  size_t next_parameter_ = 0;
  std::shared_ptr<expr::ValueTable> values_;
  expr::Tree* tree_ = nullptr;         // where nodes go now
  expr::Tree* update_tree_ = nullptr;  // UPDATE's SET values
  int depth_ = 0;
  std::string returning_text_;
};

}  // namespace

Statement ParseStatement(std::string_view text, const std::vector<AttributeValue>& parameters) {
  return Parser(text, parameters).Parse();
}

}  // namespace tideline::partiql
