#pragma once
// The tokens of DynamoDB's PartiQL dialect. Double quotes delimit identifiers ("Table",
// "attr"), single quotes delimit strings ('it''s'), `?` is a positional parameter, `<<`/`>>`
// delimit a set (PartiQL's bag). `--` and `/* */` comments are skipped. A character the dialect
// does not know, an unterminated string, identifier or comment fails the whole statement with the
// bare "Statement wasn't well formed, can't be processed: " envelope (AWS puts nothing after
// the colon there: shared/spec/partiql-backups.md §3.4).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tideline::partiql {

enum class TokenKind : uint8_t {
  kIdentifier,        // bare word: a keyword or a name (keywords are case-insensitive)
  kQuotedIdentifier,  // "name"
  kString,            // 'text' (text holds the unescaped value)
  kNumber,            // 12, 1.5, 1e3 (text as written)
  kParameter,         // ?
  kPunct,             // , . ( ) [ ] { } : * = <> != < <= > >= + - << >> ;
  kEof,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string text;  // identifier/number as written; string/quoted identifier unescaped
};

// Throws ValidationException (the bare envelope) for a statement it cannot tokenize.
std::vector<Token> Tokenize(std::string_view statement);

}  // namespace tideline::partiql
