#include "verify/output_tail.h"

#include <gtest/gtest.h>

#include <string>

namespace tideline::verify {
namespace {

TEST(OutputTailTest, KeepsEverythingUpToItsCapacity) {
  OutputTail tail(16);
  tail.Append("0123456789");
  tail.Append("abcdef");
  EXPECT_EQ(tail.text(), "0123456789abcdef");
  EXPECT_FALSE(tail.truncated());
}

TEST(OutputTailTest, KeepsOnlyTheLastBytesOfALongOutput) {
  OutputTail tail(8);
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    const std::string piece = std::to_string(i) + ",";
    tail.Append(piece);
    all += piece;
  }
  EXPECT_EQ(tail.text(), all.substr(all.size() - 8));
  EXPECT_TRUE(tail.truncated());
  OutputTail one_piece(4);
  one_piece.Append("0123456789");
  EXPECT_EQ(one_piece.text(), "6789");
  EXPECT_TRUE(one_piece.truncated());
}

TEST(OutputTailTest, LastLinePrefersThePrefixThenTheLastNonBlankLine) {
  OutputTail tail(1024);
  tail.Append("warning: something\nverify-export: x: md5 is a\r\nTraceback\n\n  \n");
  EXPECT_EQ(tail.LastLine("verify-export: "), "verify-export: x: md5 is a");
  EXPECT_EQ(tail.LastLine(), "Traceback");
  EXPECT_EQ(tail.LastLine("OK "), "Traceback");
  EXPECT_EQ(OutputTail(8).LastLine(), "");
}

TEST(OutputTailTest, ALineCutByTheBoundIsNoVerdict) {
  OutputTail tail(20);
  tail.Append("verify-export: a very long first line\nshort\n");
  // The kept bytes start inside the first line: that piece is not taken for a whole line.
  EXPECT_EQ(tail.LastLine("verify-export: "), "short");
  OutputTail only(10);
  only.Append("0123456789abcdef");
  EXPECT_EQ(only.LastLine(), "6789abcdef");  // nothing else to show
}

}  // namespace
}  // namespace tideline::verify
