#pragma once
// What the condition, update and projection parsers share: the token cursor, DynamoDB's syntax
// error message, document paths with #name resolution and reserved-word checks, :value
// resolution, the recursion limit, and the deferred-error slots.
//
// DynamoDB reports a syntax error as soon as it sees one; every other static error is reported
// only after the whole expression parsed, and then the first error of the highest-priority
// category wins (e.g. for a ConditionExpression redundant parentheses beat an unknown function,
// which beats a reserved word). Each parser numbers its categories; `slots_` keeps the first
// message per category. The priorities follow dynalite's parsers, which were written against
// DynamoDB's answers (see tests/unit/expr/*_errors_test.cc).

#include <string>
#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "expr/lexer.h"

namespace tideline::expr {

// DynamoDB's limit on any expression's length, in bytes.
constexpr size_t kMaxExpressionBytes = 4096;
// Nesting (parentheses, function calls) deeper than this is rejected before the stack is at risk.
// Valid expressions cannot come close: they have at most 300 operators and one redundant level.
constexpr int kMaxNestingDepth = 500;

// The deepest document path DynamoDB accepts, counting the top-level attribute.
constexpr size_t kMaxPathDepth = 32;

// Throws "Invalid <parameter>: The expression can not be empty;" or "Invalid <parameter>:
// Expression size has exceeded the maximum allowed size; expression size: <n>" (n = `size`).
void CheckExpressionSize(std::string_view text, size_t size, std::string_view parameter);

class ParserBase {
 public:
  ParserBase(std::string_view text, std::string_view parameter, AttributeResolver& resolver,
             Tree* tree, size_t error_slots);
  virtual ~ParserBase() = default;

 protected:
  static constexpr uint32_t kUndefinedValue = 0xFFFFFFFFu;

  const Token& Cur() const { return tokens_[pos_]; }
  TokenKind Kind(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i].kind : TokenKind::kEof;
  }
  std::string_view Text(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }
  bool AtKeyword(std::string_view upper) const;
  void Advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  void Expect(TokenKind kind) {
    if (Kind() != kind) SyntaxError();
    Advance();
  }
  // "Invalid <parameter>: Syntax error; token: \"<tok>\", near: \"<prev tok next>\"" at the
  // current token (<EOF> at the end).
  [[noreturn]] void SyntaxError() const;
  // "Invalid <parameter>: <message>".
  [[noreturn]] void Fail(std::string_view message) const;

  // Identifiers that are keywords of this expression kind and so can never name an attribute.
  virtual bool IsKeyword(std::string_view identifier) const = 0;
  // The error for a function call nested beyond kMaxNestingDepth.
  virtual std::string TooDeepFunctionMessage(std::string_view name) const = 0;

  // A document path at the current token (identifier or #name), as a kPath node of tree_.
  uint32_t ParsePath();
  // Further .name / [index] steps after a parenthesized path "(a.b).c": a new kPath node.
  uint32_t ContinuePath(uint32_t path_node);
  // A :value at the current token as a kValue node (ref = kUndefinedValue when undefined).
  uint32_t ParseValueRef();
  // True when the current token starts a path (identifier that is not a keyword, or #name).
  bool AtPathStart() const;

  // Nesting guard: call Enter() before recursing into parentheses or a call, Leave() after.
  void EnterParens();
  void EnterFunction(std::string_view name);
  void Leave() { --depth_; }

  void SetError(size_t slot, std::string message);
  // DynamoDB's rule for two document paths of one expression: a path that is a prefix of the
  // other "overlaps"; a step used as a map key in one and a list index in the other
  // "conflicts". Records the error in `overlap_slot` / `conflict_slot`.
  void CheckPathPair(const Path& p1, const Path& p2, size_t overlap_slot, size_t conflict_slot);
  bool HasError(size_t slot) const { return !slots_[slot].empty(); }
  const std::string& Error(size_t slot) const { return slots_[slot]; }
  // Throws the first error among `order` (slot numbers, highest priority first), if any.
  void ThrowFirstError(std::initializer_list<size_t> order) const;

  // Which slots receive reserved-word / undefined-name / undefined-value errors.
  size_t reserved_slot_ = 0;
  size_t name_slot_ = 0;
  size_t value_slot_ = 0;

  std::string_view text_;
  std::string_view parameter_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  AttributeResolver& resolver_;
  Tree* tree_;

 private:
  // Parses one path step name (identifier or #name) into *out.
  void ParsePathName(PathElement* out);
  void ParsePathSteps(Path* path);
  // Throws "The document path has too many nesting levels" beyond kMaxPathDepth.
  void CheckPathDepth(const Path& path) const;

  std::vector<std::string> slots_;
  int depth_ = 0;
};

}  // namespace tideline::expr
