#include "expr/lexer.h"

namespace tideline::expr {

namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Length of the UTF-8 sequence starting with `lead` (1 for ASCII and for stray bytes), so that an
// invalid non-ASCII character is reported whole ("ü"), never as half a character.
size_t Utf8Length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 3 + 2);
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    Token t;
    t.begin = static_cast<uint32_t>(i);
    size_t j = i + 1;
    if (IsAlpha(c)) {
      while (j < n && IsWordChar(text[j])) ++j;
      t.kind = TokenKind::kIdentifier;
    } else if (IsDigit(c)) {
      while (j < n && IsDigit(text[j])) ++j;
      t.kind = TokenKind::kNumber;
    } else if (c == '#' || c == ':') {
      while (j < n && IsWordChar(text[j])) ++j;
      t.kind = j == i + 1 ? TokenKind::kInvalid : (c == '#' ? TokenKind::kName : TokenKind::kValue);
    } else {
      const char next = i + 1 < n ? text[i + 1] : '\0';
      switch (c) {
        case '(':
          t.kind = TokenKind::kLParen;
          break;
        case ')':
          t.kind = TokenKind::kRParen;
          break;
        case '[':
          t.kind = TokenKind::kLBracket;
          break;
        case ']':
          t.kind = TokenKind::kRBracket;
          break;
        case ',':
          t.kind = TokenKind::kComma;
          break;
        case '.':
          t.kind = TokenKind::kDot;
          break;
        case '=':
          t.kind = TokenKind::kEq;
          break;
        case '+':
          t.kind = TokenKind::kPlus;
          break;
        case '-':
          t.kind = TokenKind::kMinus;
          break;
        case '<':
          if (next == '>') {
            t.kind = TokenKind::kNe;
            j = i + 2;
          } else if (next == '=') {
            t.kind = TokenKind::kLe;
            j = i + 2;
          } else {
            t.kind = TokenKind::kLt;
          }
          break;
        case '>':
          if (next == '=') {
            t.kind = TokenKind::kGe;
            j = i + 2;
          } else {
            t.kind = TokenKind::kGt;
          }
          break;
        default:
          t.kind = TokenKind::kInvalid;
          j = i + Utf8Length(static_cast<unsigned char>(c));
          if (j > n) j = n;
          break;
      }
    }
    t.end = static_cast<uint32_t>(j);
    tokens.push_back(t);
    i = j;
  }
  Token eof;
  eof.kind = TokenKind::kEof;
  eof.begin = eof.end = static_cast<uint32_t>(n);
  tokens.push_back(eof);
  return tokens;
}

bool EqualsKeyword(std::string_view token_text, std::string_view upper_keyword) {
  if (token_text.size() != upper_keyword.size()) return false;
  for (size_t i = 0; i < token_text.size(); ++i) {
    char c = token_text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper_keyword[i]) return false;
  }
  return true;
}

}  // namespace tideline::expr
