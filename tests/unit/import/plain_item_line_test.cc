#include "import/plain_item_line.h"

#include <gtest/gtest.h>

#include <random>

#include "import/line_parser.h"
#include "model/attribute_value.h"

namespace tideline::importer {
namespace {

// What the general path makes of a line: the stored form and the item's size.
bool GeneralPath(std::string_view line, std::string* json, size_t* size) {
  auto parser = NewDynamoDbJsonParser();
  model::Item item;
  std::string error;
  if (parser->Parse(line, &item, &error) != LineParser::Result::kItem) return false;
  *json = model::ItemToJson(item);
  *size = model::ItemSize(item);
  return true;
}

TEST(PlainItemLineTest, SameStoredFormAndSizeAsTheGeneralPath) {
  PlainItemLine plain({"pk", "sk"});
  std::string json;
  model::Item keys;
  size_t size = 0;
  const std::string line = R"({"Item":{"z":{"BOOL":false},"pk":{"S":"a b"},"n":{"N":"-012.50e3"},)"
                           R"("sk":{"N":"7"},"nul":{"NULL":true},"e":{"S":""}}})";
  ASSERT_TRUE(plain.Convert(line, &json, &keys, &size));
  std::string general_json;
  size_t general_size = 0;
  ASSERT_TRUE(GeneralPath(line, &general_json, &general_size));
  EXPECT_EQ(json, general_json);
  EXPECT_EQ(size, general_size);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.at("pk").scalar, "a b");
  EXPECT_EQ(keys.at("sk").scalar, "7");
}

TEST(PlainItemLineTest, LeavesEverythingElseToTheGeneralPath) {
  PlainItemLine plain({"pk"});
  std::string json;
  model::Item keys;
  size_t size = 0;
  for (const char* line : {
           R"({"Item":{"pk":{"S":"a\"b"}}})",              // an escape
           "{\"Item\":{\"pk\":{\"S\":\"caf\xc3\xa9\"}}}",  // non-ASCII
           R"({"Item":{"pk":{"S":"a"},"m":{"M":{}}}})",    // nested
           R"({"Item":{"pk":{"S":"a"},"b":{"B":"AA=="}}})",
           R"({"Item":{"pk":{"S":"a"},"s":{"SS":["x"]}}})",
           R"({"Item":{"pk":{"S":"a"},"pk":{"S":"b"}}})",  // a duplicate name
           R"({"Item":{"pk":{"S":"a"},"n":{"N":"1x"}}})",  // not a number
           R"({"Item":{"pk":{"S":"a"},"x":{"NULL":false}}})",
           R"({"Item":{"pk":{"S":"a","N":"1"}}})",  // two types
           R"({"Item":{"pk":{"S":"a"}},"x":1})",    // more than the item
           R"({"Item":{"pk":{"S":"a"}}} x)",
           R"({"Item":{}})",
           R"({"Item":{"":{"S":"a"}}})",
           R"({"Item":{"pk":{"S":"a"})",  // truncated
           R"({"Keys":{"pk":{"S":"a"}},"Metadata":{},"NewImage":{"pk":{"S":"a"}}})",
       }) {
    EXPECT_FALSE(plain.Convert(line, &json, &keys, &size)) << line;
  }
}

// Random flat items of the shapes the fast path takes: both paths give the same bytes and size.
TEST(PlainItemLineTest, RandomItemsAgreeWithTheGeneralPath) {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> numbers = {
      "0",  "-0", "1.0", "100", "1e3", "-1.25", "0.001", "5E-2", "12345678901234567890123",
      ".5", "5."};
  PlainItemLine plain({"a0"});
  for (int round = 0; round < 500; ++round) {
    std::string line = "{\"Item\":{";
    const int attributes = 1 + pick(8);
    for (int i = 0; i < attributes; ++i) {
      if (i) line += pick(2) ? "," : " , ";
      line += "\"a" + std::to_string(attributes - i - 1) + "\":{";
      switch (pick(4)) {
        case 0: {
          std::string s;
          for (int c = pick(20); c > 0; --c) s.push_back(static_cast<char>(' ' + 1 + pick(90)));
          for (char& c : s) {
            if (c == '"' || c == '\\') c = 'q';
          }
          line += "\"S\":\"" + s + "\"";
          break;
        }
        case 1:
          line += "\"N\":\"" + numbers[pick(static_cast<int>(numbers.size()))] + "\"";
          break;
        case 2:
          line += pick(2) ? "\"BOOL\":true" : "\"BOOL\": false";
          break;
        default:
          line += "\"NULL\":true";
      }
      line += "}";
    }
    line += "}}";
    std::string json, general_json;
    model::Item keys;
    size_t size = 0, general_size = 0;
    ASSERT_TRUE(plain.Convert(line, &json, &keys, &size)) << line;
    ASSERT_TRUE(GeneralPath(line, &general_json, &general_size)) << line;
    EXPECT_EQ(json, general_json) << line;
    EXPECT_EQ(size, general_size) << line;
    EXPECT_EQ(keys.count("a0"), 1u);
  }
}

}  // namespace
}  // namespace tideline::importer
