#include "expr/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expr/reserved_words.h"

namespace tideline::expr {
namespace {

std::string Kinds(std::string_view text) {
  static const char* kNames[] = {"EOF", "id", "#",  ":", "num", "(", ")",  "[", "]", ",",
                                 ".",   "=",  "<>", "<", "<=",  ">", ">=", "+", "-", "?"};
  std::string out;
  for (const Token& t : Tokenize(text)) {
    if (!out.empty()) out += ' ';
    out += kNames[static_cast<int>(t.kind)];
    if (t.kind != TokenKind::kEof) {
      out += '\'';
      out += text.substr(t.begin, t.end - t.begin);
      out += '\'';
    }
  }
  return out;
}

TEST(LexerTest, TokenizesEveryKind) {
  EXPECT_EQ(Kinds("a.b[12] = :v"), "id'a' .'.' id'b' ['[' num'12' ]']' ='=' :':v' EOF");
  EXPECT_EQ(Kinds("#n<>:x<=y>=z<a>b"),
            "#'#n' <>'<>' :':x' <='<=' id'y' >='>=' id'z' <'<' id'a' >'>' id'b' EOF");
  EXPECT_EQ(Kinds("f(a,b)+c-d"), "id'f' ('(' id'a' ,',' id'b' )')' +'+' id'c' -'-' id'd' EOF");
}

TEST(LexerTest, IdentifiersStartWithALetterAndMayContainUnderscores) {
  EXPECT_EQ(Kinds("Alpha_Numeric_123"), "id'Alpha_Numeric_123' EOF");
  // A leading underscore or digit is not part of an identifier (test_update_expression_name_token).
  EXPECT_EQ(Kinds("_123"), "?'_' num'123' EOF");
  EXPECT_EQ(Kinds("123a"), "num'123' id'a' EOF");
}

TEST(LexerTest, PlaceholdersNeedAtLeastOneWordCharacter) {
  EXPECT_EQ(Kinds("#123 #_ :_ :a1"), "#'#123' #'#_' :':_' :':a1' EOF");
  EXPECT_EQ(Kinds("# :"), "?'#' ?':' EOF");
  EXPECT_EQ(Kinds("#hi-there"), "#'#hi' -'-' id'there' EOF");
}

TEST(LexerTest, WhitespaceIsSkippedAndUnknownCharactersAreSingleTokens) {
  EXPECT_EQ(Kinds(" \t\r\n a \n"), "id'a' EOF");
  EXPECT_EQ(Kinds("a!=b"), "id'a' ?'!' ='=' id'b' EOF");
  // A non-ASCII character is one token, never half a UTF-8 sequence.
  EXPECT_EQ(Kinds("\xC3\xBC > a"), "?'\xC3\xBC' >'>' id'a' EOF");
}

TEST(LexerTest, EofIsPositionedAtTheEnd) {
  std::vector<Token> t = Tokenize("ab  ");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].kind, TokenKind::kEof);
  EXPECT_EQ(t[1].begin, 4u);
  EXPECT_EQ(Tokenize("").size(), 1u);
}

TEST(LexerTest, KeywordsCompareCaseInsensitively) {
  EXPECT_TRUE(EqualsKeyword("aNd", "AND"));
  EXPECT_TRUE(EqualsKeyword("between", "BETWEEN"));
  EXPECT_FALSE(EqualsKeyword("ands", "AND"));
  EXPECT_FALSE(EqualsKeyword("an", "AND"));
}

TEST(ReservedWordsTest, HasTheFullListAndIgnoresCase) {
  EXPECT_EQ(ReservedWordCount(), 573u);
  for (const char* w : {"ABORT", "zone", "Status", "name", "size", "data", "KEY", "flattern",
                        "inntER", "localtimestamp", "TTL", "uuid"}) {
    EXPECT_TRUE(IsReservedWord(w)) << w;
  }
  for (const char* w : {"", "abc", "p", "statuses", "attribute_exists", "if_not_exists",
                        "LOCALTIMESTAMPS", "a_b"}) {
    EXPECT_FALSE(IsReservedWord(w)) << w;
  }
}

}  // namespace
}  // namespace tideline::expr
