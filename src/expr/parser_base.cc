#include "expr/parser_base.h"

#include <cstdint>
#include <string>

#include "common/api_error.h"
#include "expr/reserved_words.h"

namespace tideline::expr {

void CheckExpressionSize(std::string_view text, size_t size, std::string_view parameter) {
  if (text.empty()) {
    throw ApiError::Validation("Invalid " + std::string(parameter) +
                               ": The expression can not be empty;");
  }
  if (size > kMaxExpressionBytes) {
    // Pinned by test_limits.py::test_limit_expression_len_crash1 in Alternator's suite.
    throw ApiError::Validation("Invalid " + std::string(parameter) +
                               ": Expression size has exceeded the maximum allowed size; "
                               "expression size: " +
                               std::to_string(size));
  }
}

ParserBase::ParserBase(std::string_view text, std::string_view parameter,
                       AttributeResolver& resolver, Tree* tree, size_t error_slots)
    : text_(text),
      parameter_(parameter),
      tokens_(Tokenize(text)),
      resolver_(resolver),
      tree_(tree),
      slots_(error_slots) {}

bool ParserBase::AtKeyword(std::string_view upper) const {
  return Kind() == TokenKind::kIdentifier && EqualsKeyword(Text(Cur()), upper);
}

void ParserBase::SyntaxError() const {
  // DynamoDB's "near" is the source text from the token before the offending one through the
  // token after it, e.g. token "/" near "numx / :v"; <EOF> contributes no text.
  const Token& bad = Cur();
  std::string token_text =
      bad.kind == TokenKind::kEof ? std::string("<EOF>") : std::string(Text(bad));
  size_t first = pos_ > 0 ? pos_ - 1 : pos_;
  size_t last = pos_;
  if (bad.kind != TokenKind::kEof && pos_ + 1 < tokens_.size() &&
      tokens_[pos_ + 1].kind != TokenKind::kEof) {
    last = pos_ + 1;
  }
  if (tokens_[last].kind == TokenKind::kEof && last > first) --last;
  std::string near;
  if (tokens_[first].kind != TokenKind::kEof) {
    near =
        std::string(text_.substr(tokens_[first].begin, tokens_[last].end - tokens_[first].begin));
  }
  Fail("Syntax error; token: \"" + token_text + "\", near: \"" + near + "\"");
}

void ParserBase::Fail(std::string_view message) const {
  std::string full = "Invalid ";
  full += parameter_;
  full += ": ";
  full += message;
  throw ApiError::Validation(std::move(full));
}

bool ParserBase::AtPathStart() const {
  if (Kind() == TokenKind::kName) return true;
  return Kind() == TokenKind::kIdentifier && !IsKeyword(Text(Cur()));
}

void ParserBase::ParsePathName(PathElement* out) {
  const Token& t = Cur();
  if (t.kind == TokenKind::kName) {
    std::string_view token = Text(t);
    const std::string* name = resolver_.UseName(token);
    if (name) {
      out->name = *name;
    } else {
      SetError(name_slot_,
               "An expression attribute name used in the document path is not defined; "
               "attribute name: " +
                   std::string(token));
      out->name = std::string(token);
    }
  } else if (t.kind == TokenKind::kIdentifier && !IsKeyword(Text(t))) {
    std::string_view word = Text(t);
    if (IsReservedWord(word)) {
      SetError(reserved_slot_,
               "Attribute name is a reserved keyword; reserved keyword: " + std::string(word));
    }
    out->name = std::string(word);
  } else {
    SyntaxError();
  }
  Advance();
}

void ParserBase::ParsePathSteps(Path* path) {
  for (;;) {
    if (Kind() == TokenKind::kDot) {
      Advance();
      PathElement e;
      ParsePathName(&e);
      path->push_back(std::move(e));
    } else if (Kind() == TokenKind::kLBracket) {
      Advance();
      if (Kind() != TokenKind::kNumber) SyntaxError();
      std::string_view digits = Text(Cur());
      // DynamoDB takes indexes up to 2^31 - 1 (as do our int32 indexes).
      if (digits.size() > 10 || std::stoll(std::string(digits)) > INT32_MAX) {
        Fail("List index is not within the allowable range; index: [" + std::string(digits) + "]");
      }
      PathElement e;
      e.index = std::stoi(std::string(digits));
      Advance();
      Expect(TokenKind::kRBracket);
      path->push_back(std::move(e));
    } else {
      return;
    }
  }
}

uint32_t ParserBase::ParsePath() {
  Path path;
  PathElement head;
  ParsePathName(&head);
  path.push_back(std::move(head));
  ParsePathSteps(&path);
  CheckPathDepth(path);
  return tree_->AddPath(std::move(path));
}

uint32_t ParserBase::ContinuePath(uint32_t path_node) {
  if (Kind() != TokenKind::kDot && Kind() != TokenKind::kLBracket) return path_node;
  Path path = tree_->paths[tree_->nodes[path_node].ref];
  ParsePathSteps(&path);
  CheckPathDepth(path);
  return tree_->AddPath(std::move(path));
}

void ParserBase::CheckPathDepth(const Path& path) const {
  // Documents nest 32 levels deep (the top-level attribute is level 1), and so may paths
  // ("The document path has too many nesting levels; nesting levels: 33", pinned by Alternator's
  // test_projection_expression_path_nesting_levels against AWS).
  if (path.size() > kMaxPathDepth) {
    Fail("The document path has too many nesting levels; nesting levels: " +
         std::to_string(path.size()));
  }
}

uint32_t ParserBase::ParseValueRef() {
  std::string_view token = Text(Cur());
  int index = resolver_.UseValue(token);
  if (index < 0) {
    SetError(value_slot_,
             "An expression attribute value used in expression is not defined; attribute value: " +
                 std::string(token));
  }
  Advance();
  return tree_->AddValue(index < 0 ? kUndefinedValue : static_cast<uint32_t>(index));
}

void ParserBase::EnterParens() {
  if (++depth_ > kMaxNestingDepth) Fail("The expression has redundant parentheses;");
}

void ParserBase::EnterFunction(std::string_view name) {
  if (++depth_ > kMaxNestingDepth) Fail(TooDeepFunctionMessage(name));
}

void ParserBase::CheckPathPair(const Path& p1, const Path& p2, size_t overlap_slot,
                               size_t conflict_slot) {
  for (size_t i = 0; i < p1.size() && i < p2.size(); ++i) {
    if (p1[i].is_index() != p2[i].is_index()) {
      SetError(conflict_slot,
               "Two document paths conflict with each other; must remove or rewrite one of "
               "these paths; path one: " +
                   PathToString(p1) + ", path two: " + PathToString(p2));
      return;
    }
    if (!(p1[i] == p2[i])) return;
  }
  SetError(overlap_slot,
           "Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: " +
               PathToString(p1) + ", path two: " + PathToString(p2));
}

void ParserBase::SetError(size_t slot, std::string message) {
  if (slots_[slot].empty()) slots_[slot] = std::move(message);
}

void ParserBase::ThrowFirstError(std::initializer_list<size_t> order) const {
  for (size_t slot : order) {
    if (!slots_[slot].empty()) Fail(slots_[slot]);
  }
}

}  // namespace tideline::expr
