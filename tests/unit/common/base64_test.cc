#include "common/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace tideline {
namespace {

TEST(Base64, EncodesRfc4648VectorsAndDecodesStrictly) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string(100, '\xff')).size(), 136u);  // no line breaks
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 7) {
    std::string out;
    ASSERT_TRUE(Base64Decode(Base64Encode(all.substr(0, n)), &out));
    EXPECT_EQ(out, all.substr(0, n));
  }
  std::string out;
  EXPECT_FALSE(Base64Decode("Zg=", &out));
  EXPECT_FALSE(Base64Decode("Zh==", &out));  // non-zero unused bits
  EXPECT_FALSE(Base64Decode("Z===", &out));
  EXPECT_FALSE(Base64Decode("Zm9v\n", &out));
  EXPECT_FALSE(Base64Decode("Zm-_", &out));  // URL alphabet is not accepted
}

}  // namespace
}  // namespace tideline
