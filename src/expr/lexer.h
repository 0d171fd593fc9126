#pragma once
// The lexer shared by every expression kind. Token grammar (whitespace is [ \t\r\n]):
//   identifier  := [A-Za-z][A-Za-z0-9_]*        (keywords such as AND/SET are identifiers here;
//                                                the parsers compare them case-insensitively)
//   name        := '#' [A-Za-z0-9_]+             an ExpressionAttributeNames placeholder
//   value       := ':' [A-Za-z0-9_]+             an ExpressionAttributeValues placeholder
//   number      := [0-9]+                        (only valid as a list index)
//   punctuation := ( ) [ ] , . = <> < <= > >= + -
//   invalid     := any other character (one UTF-8 sequence), e.g. "_", "!", "ü", a lone '#'
// An invalid token is not an error by itself: the parser reports it as the token where the
// syntax broke, as DynamoDB does ("Syntax error; token: \"_\", near: \"SET _123\"").

#include <cstdint>
#include <string_view>
#include <vector>

namespace tideline::expr {

enum class TokenKind : uint8_t {
  kEof,
  kIdentifier,
  kName,
  kValue,
  kNumber,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kInvalid,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  uint32_t begin = 0;  // byte offsets into the expression text
  uint32_t end = 0;
};

// Tokenizes `text` (at most a few KB: callers check the size limit first). The result always ends
// with one kEof token positioned at text.size().
std::vector<Token> Tokenize(std::string_view text);

// Case-insensitive comparison of an identifier token's text with an upper-case keyword.
bool EqualsKeyword(std::string_view token_text, std::string_view upper_keyword);

}  // namespace tideline::expr
