#include "json/json.h"

#include <gtest/gtest.h>

namespace tideline::json {
namespace {

TEST(JsonTest, NestingScanSkipsBracketsInsideStrings) {
  EXPECT_TRUE(NestingAtMost(R"({"a":"[[[[{{{{","b":[1]})", 2));
  EXPECT_FALSE(NestingAtMost(R"({"a":[[1]]})", 2));
  EXPECT_TRUE(NestingAtMost(R"({"a":"\"[[[["})", 1));
}

TEST(JsonTest, HostileNestingParsesWithoutExhaustingTheStack) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  Document doc;
  std::string error;
  ASSERT_TRUE(Parse(deep, &doc, &error)) << error;
  EXPECT_TRUE(doc.IsArray());
  Document broken;
  EXPECT_FALSE(Parse(std::string(200000, '['), &broken, &error));
}

TEST(JsonTest, RejectsInvalidUtf8) {
  Document doc;
  std::string error;
  EXPECT_FALSE(Parse("{\"a\":\"\xff\"}", &doc, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(Parse(R"({"a":"é"})", &doc, &error));
}

TEST(JsonTest, FindsARepeatedKeyAtAnyDepth) {
  auto dup = [](std::string_view text) -> std::string {
    Document doc;
    std::string error;
    EXPECT_TRUE(Parse(text, &doc, &error)) << error;
    auto d = FindDuplicateKey(doc);
    return d ? std::string(*d) : std::string("<none>");
  };
  EXPECT_EQ(dup(R"({"a":1,"b":2})"), "<none>");
  EXPECT_EQ(dup(R"({"a":1,"a":2})"), "a");
  EXPECT_EQ(dup(R"({"x":[{"k":1},{"k":2,"j":{"z":1,"z":1}}]})"), "z");
  EXPECT_EQ(dup(R"([[[{"q":1,"q":2}]]])"), "q");
  // Keys differing only after a NUL or in case are distinct.
  EXPECT_EQ(dup(R"({"a\u0000b":1,"a\u0000c":2,"A":3,"a":4})"), "<none>");
  // A large object (checked by sorting) with and without a repeat.
  std::string big = "{";
  for (int i = 0; i < 200; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_EQ(dup(big + "\"last\":0}"), "<none>");
  EXPECT_EQ(dup(big + "\"k117\":0}"), "k117");
}

TEST(JsonTest, FindingRepeatsInADeepDocumentDoesNotRecurse) {
  const std::string deep = std::string(200000, '[') + R"({"a":1,"a":2})" + std::string(200000, ']');
  Document doc;
  std::string error;
  ASSERT_TRUE(Parse(deep, &doc, &error)) << error;
  auto d = FindDuplicateKey(doc);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, "a");
}

}  // namespace
}  // namespace tideline::json
