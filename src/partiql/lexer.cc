#include "partiql/lexer.h"

#include "common/api_error.h"
#include "partiql/errors.h"

namespace tideline::partiql {

namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

// The text between `quote`s starting at s[*i] (just past the opening quote); a doubled quote
// stands for one. Advances *i past the closing quote.
std::string Quoted(std::string_view s, size_t* i, char quote) {
  std::string out;
  while (true) {
    if (*i >= s.size()) NotWellFormed("");
    char c = s[(*i)++];
    if (c != quote) {
      out += c;
      continue;
    }
    if (*i < s.size() && s[*i] == quote) {
      out += quote;
      ++*i;
      continue;
    }
    return out;
  }
}

}  // namespace

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) NotWellFormed("");
      i = end + 2;
      continue;
    }
    Token t;
    if (IsIdentStart(c)) {
      size_t start = i;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      t.kind = TokenKind::kIdentifier;
      t.text = std::string(s.substr(start, i - start));
    } else if (IsDigit(c) || (c == '.' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      size_t start = i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && IsDigit(s[i])) ++i;
      }
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp = i + 1;
        if (exp < s.size() && (s[exp] == '+' || s[exp] == '-')) ++exp;
        if (exp < s.size() && IsDigit(s[exp])) {
          i = exp;
          while (i < s.size() && IsDigit(s[i])) ++i;
        }
      }
      t.kind = TokenKind::kNumber;
      t.text = std::string(s.substr(start, i - start));
    } else if (c == '\'') {
      ++i;
      t.kind = TokenKind::kString;
      t.text = Quoted(s, &i, '\'');
    } else if (c == '"') {
      ++i;
      t.kind = TokenKind::kQuotedIdentifier;
      t.text = Quoted(s, &i, '"');
    } else if (c == '?') {
      ++i;
      t.kind = TokenKind::kParameter;
      t.text = "?";
    } else {
      static constexpr std::string_view kTwo[] = {"<>", "!=", "<=", ">=", "<<", ">>"};
      t.kind = TokenKind::kPunct;
      for (std::string_view two : kTwo) {
        if (s.substr(i, 2) == two) t.text = std::string(two);
      }
      if (t.text.empty()) {
        if (std::string_view(",.()[]{}:*=<>+-;").find(c) == std::string_view::npos) {
          NotWellFormed("");
        }
        t.text = std::string(1, c);
      }
      i += t.text.size();
    }
    tokens.push_back(std::move(t));
  }
  tokens.push_back(Token{TokenKind::kEof, ""});
  return tokens;
}

}  // namespace tideline::partiql
