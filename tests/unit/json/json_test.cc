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

}  // namespace
}  // namespace tideline::json
