// Export line formats: DYNAMODB_JSON and ION (spec §2.1, §2.2).

#include "export/item_format.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <string>

namespace tideline::exporter {
namespace {

std::string Ion(std::string_view item_json) {
  std::string out;
  Status s = AppendIonLine(item_json, &out);
  EXPECT_TRUE(s.ok()) << s.ToString() << " for " << item_json;
  return out;
}

// The line from AWS's documentation (S3DataExport.Output), from the item it shows.
TEST(ExportFmtIon, AwsDocumentationExample) {
  EXPECT_EQ(Ion(R"({"Authors":{"SS":["Author1","Author2"]},"Dimensions":{"S":"8.5 x 11.0 x 1.5"},)"
                R"("ISBN":{"S":"333-3333333333"},"Id":{"N":"103"},"InPublication":{"BOOL":false},)"
                R"("PageCount":{"N":"600"},"Price":{"N":"2000"},"ProductCategory":{"S":"Book"},)"
                R"("Title":{"S":"Book 103 Title"}})"),
            "$ion_1_0 {Item:{Authors:$dynamodb_SS::[\"Author1\",\"Author2\"],"
            "Dimensions:\"8.5 x 11.0 x 1.5\",ISBN:\"333-3333333333\",Id:103.,InPublication:false,"
            "PageCount:6d2,Price:2d3,ProductCategory:\"Book\",Title:\"Book 103 Title\"}}\n");
}

TEST(ExportFmtIon, EveryType) {
  EXPECT_EQ(Ion(R"({"s":{"S":"x"}})"), "$ion_1_0 {Item:{s:\"x\"}}\n");
  EXPECT_EQ(Ion(R"({"s":{"S":""}})"), "$ion_1_0 {Item:{s:\"\"}}\n");
  EXPECT_EQ(Ion(R"({"n":{"N":"1.5"}})"), "$ion_1_0 {Item:{n:1.5}}\n");
  EXPECT_EQ(Ion(R"({"n":{"N":"-0.25"}})"), "$ion_1_0 {Item:{n:-0.25}}\n");
  EXPECT_EQ(Ion(R"({"n":{"N":"0"}})"), "$ion_1_0 {Item:{n:0.}}\n");
  EXPECT_EQ(Ion(R"({"b":{"B":"aGVsbG8="}})"), "$ion_1_0 {Item:{b:{{aGVsbG8=}}}}\n");
  EXPECT_EQ(Ion(R"({"b":{"B":""}})"), "$ion_1_0 {Item:{b:{{}}}}\n");
  EXPECT_EQ(Ion(R"({"t":{"BOOL":true},"f":{"BOOL":false}})"), "$ion_1_0 {Item:{t:true,f:false}}\n");
  EXPECT_EQ(Ion(R"({"z":{"NULL":true}})"), "$ion_1_0 {Item:{z:null}}\n");
  EXPECT_EQ(Ion(R"({"l":{"L":[{"N":"1"},{"S":"a"},{"L":[]},{"M":{}}]}})"),
            "$ion_1_0 {Item:{l:[1.,\"a\",[],{}]}}\n");
  EXPECT_EQ(Ion(R"({"m":{"M":{"h":{"NULL":true},"i":{"BOOL":true},"g":{"N":"9"}}}})"),
            "$ion_1_0 {Item:{m:{h:null,i:true,g:9.}}}\n");
  EXPECT_EQ(Ion(R"({"ss":{"SS":["a","b"]},"ns":{"NS":["3","2.5"]},"bs":{"BS":["AA==","AQ=="]}})"),
            "$ion_1_0 {Item:{ss:$dynamodb_SS::[\"a\",\"b\"],ns:$dynamodb_NS::[3.,2.5],"
            "bs:$dynamodb_BS::[{{AA==}},{{AQ==}}]}}\n");
  EXPECT_EQ(Ion("{}"), "$ion_1_0 {Item:{}}\n");
}

// The scylla-migrator item (every type) from spec §2.1, as ION.
TEST(ExportFmtIon, RealItemWithEveryType) {
  EXPECT_EQ(
      Ion(R"({"id":{"S":"K3TXQk84Si"},"a":{"BOOL":false},"b":{"NULL":true},)"
          R"("c":{"SS":["8gfX8dh0xa","fRjHZJ2Ce9"]},"d":{"NS":["3","2"]},)"
          R"("e":{"L":[{"N":"1"},{"S":"Dsb87qc6Es"}]},)"
          R"("f":{"M":{"h":{"NULL":true},"i":{"BOOL":true},"g":{"N":"9"}}},"j":{"B":"aGVsbG8="},)"
          R"("k":{"BS":["aXMgZmFzdA==","c2N5bGxhZGI="]}})"),
      "$ion_1_0 {Item:{id:\"K3TXQk84Si\",a:false,b:null,c:$dynamodb_SS::[\"8gfX8dh0xa\","
      "\"fRjHZJ2Ce9\"],d:$dynamodb_NS::[3.,2.],e:[1.,\"Dsb87qc6Es\"],f:{h:null,i:true,g:9.},"
      "j:{{aGVsbG8=}},k:$dynamodb_BS::[{{aXMgZmFzdA==}},{{c2N5bGxhZGI=}}]}}\n");
}

TEST(ExportFmtIon, StringEscaping) {
  // JSON escapes are decoded first, then Ion escapes what Ion needs.
  EXPECT_EQ(Ion(R"({"s":{"S":"q\"b\\n\nr\rt\tz\u0000c\u001fd\u007f"}})"),
            "$ion_1_0 {Item:{s:\"q\\\"b\\\\n\\nr\\rt\\tz\\x00c\\x1fd\\x7f\"}}\n");
  // A single quote needs no escape inside a string; non-ASCII stays UTF-8.
  EXPECT_EQ(Ion(R"({"s":{"S":"it's \u00e9\u20ac\ud83d\ude00"}})"),
            "$ion_1_0 {Item:{s:\"it's \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}}\n");
  EXPECT_EQ(Ion("{\"s\":{\"S\":\"raw \xc3\xa9\"}}"), "$ion_1_0 {Item:{s:\"raw \xc3\xa9\"}}\n");
}

TEST(ExportFmtIon, FieldNames) {
  EXPECT_EQ(Ion(R"({"_a$9":{"N":"1"},"$x":{"N":"1"},"A":{"N":"1"}})"),
            "$ion_1_0 {Item:{_a$9:1.,$x:1.,A:1.}}\n");
  // Keywords, symbol ids and anything outside the identifier grammar are quoted symbols.
  EXPECT_EQ(Ion(R"({"null":{"N":"1"},"nan":{"N":"1"},"true":{"N":"1"},"false":{"N":"1"}})"),
            "$ion_1_0 {Item:{'null':1.,'nan':1.,'true':1.,'false':1.}}\n");
  EXPECT_EQ(Ion(R"({"$1":{"N":"1"},"$":{"N":"1"},"$1a":{"N":"1"}})"),
            "$ion_1_0 {Item:{'$1':1.,$:1.,$1a:1.}}\n");
  EXPECT_EQ(Ion(R"({"9a":{"N":"1"},"a b":{"N":"1"},"a-b":{"N":"1"},"a.b":{"N":"1"}})"),
            "$ion_1_0 {Item:{'9a':1.,'a b':1.,'a-b':1.,'a.b':1.}}\n");
  EXPECT_EQ(Ion(R"({"it's":{"N":"1"},"q\"\\":{"N":"1"},"\n":{"N":"1"},"\u00e9":{"N":"1"}})"),
            "$ion_1_0 {Item:{'it\\'s':1.,'q\"\\\\':1.,'\\n':1.,'\xc3\xa9':1.}}\n");
  // Names nested in maps follow the same rule.
  EXPECT_EQ(Ion(R"({"m":{"M":{"null":{"S":"v"},"ok":{"S":"w"}}}})"),
            "$ion_1_0 {Item:{m:{'null':\"v\",ok:\"w\"}}}\n");
}

TEST(ExportFmtIon, NumbersUseIonDecimals) {
  EXPECT_EQ(Ion(R"({"n":{"N":"100"}})"), "$ion_1_0 {Item:{n:1d2}}\n");
  EXPECT_EQ(Ion(R"({"n":{"N":"-7"}})"), "$ion_1_0 {Item:{n:-7.}}\n");
  EXPECT_EQ(Ion(R"({"n":{"N":"12.345"}})"), "$ion_1_0 {Item:{n:12.345}}\n");
  // Whatever form is chosen for extremes, it must be an Ion decimal (a 'd' exponent, never 'e').
  for (const char* n : {"99999999999999999999999999999999999999e88", "1e-130", "-1.5e-7"}) {
    const std::string line = Ion(std::string(R"({"n":{"N":")") + n + "\"}}");
    const std::string ion_number = line.substr(18, line.size() - 21);  // between "n:" and "}}\n"
    EXPECT_NE(ion_number.find('d'), std::string::npos) << line;
    EXPECT_EQ(ion_number.find_first_not_of("0123456789.d-"), std::string::npos) << line;
  }
}

TEST(ExportFmtIon, DeepNesting) {
  // 32 levels of maps (DynamoDB's limit) are fine.
  std::string json, expected;
  for (int i = 0; i < 32; ++i) json += R"({"m":{"M":)";
  json += "{}";
  for (int i = 0; i < 32; ++i) json += "}}";
  for (int i = 0; i < 32; ++i) expected += "{m:";
  expected += "{}";
  for (int i = 0; i < 32; ++i) expected += "}";
  EXPECT_EQ(Ion(json), "$ion_1_0 {Item:" + expected + "}\n");
}

TEST(ExportFmtIon, RejectsWhatIsNotAnItem) {
  const char* bad[] = {
      "",
      "[]",
      "\"x\"",
      "{",
      R"({"a":{"S":"x"}} x)",
      R"({"a":{"N":1}})",            // N must be a string
      R"({"a":{"N":"abc"}})",        // not a number
      R"({"a":{"X":"1"}})",          // unknown type
      R"({"a":{"S":"x","N":"1"}})",  // two types
      R"({"a":{}})",                 // no type
      R"({"a":"x"})",                // not a wrapper
      R"({"a":{"S":null}})",
      R"({"a":{"NULL":false}})",
      R"({"a":{"BOOL":"true"}})",
      R"({"a":{"B":"not base64!"}})",
      R"({"a":{"B":"QQ=Q"}})",
      R"({"a":{"SS":[1]}})",
      R"({"a":{"SS":[{"S":"x"}]}})",
      R"({"a":{"L":["x"]}})",
      R"({"a":{"M":[]}})",
      R"({"a":{"L":{}}})",
      "{\"a\":{\"S\":\"\xff\"}}",  // invalid UTF-8
  };
  for (const char* json : bad) {
    std::string out = "keep";
    Status s = AppendIonLine(json, &out);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << json;
    EXPECT_EQ(out, "keep") << json;
  }
  // A raw NUL byte is not JSON, even after a complete object.
  for (std::string json : {std::string("{\"a\":{\"S\":\"x\"}}\0junk", 19),
                           std::string("{\"a\":{\"S\":\"x\0\"}}", 17)}) {
    std::string out;
    EXPECT_EQ(AppendIonLine(json, &out).code(), Status::Code::kCorruption);
    EXPECT_TRUE(out.empty());
  }
  // Absurd nesting fails cleanly rather than overflowing anything.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += R"({"m":{"M":)";
  deep += "{}";
  for (int i = 0; i < 200; ++i) deep += "}}";
  std::string out;
  EXPECT_EQ(AppendIonLine(deep, &out).code(), Status::Code::kCorruption);
  EXPECT_TRUE(out.empty());
}

TEST(ExportFmtIon, AppendsAfterExistingLines) {
  std::string out;
  ASSERT_TRUE(AppendIonLine(R"({"a":{"S":"1"}})", &out).ok());
  ASSERT_TRUE(AppendIonLine(R"({"a":{"S":"2"}})", &out).ok());
  EXPECT_EQ(out, "$ion_1_0 {Item:{a:\"1\"}}\n$ion_1_0 {Item:{a:\"2\"}}\n");
}

// The input need not be NUL-terminated: only the view's bytes are read.
TEST(ExportFmtIon, ReadsOnlyTheView) {
  std::string buffer = R"({"a":{"S":"1"}}{"junk")";
  std::string out;
  ASSERT_TRUE(AppendIonLine(std::string_view(buffer).substr(0, 15), &out).ok());
  EXPECT_EQ(out, "$ion_1_0 {Item:{a:\"1\"}}\n");
}

TEST(ExportFmtDynamoDbJson, WrapsTheItem) {
  std::string out = "x";
  AppendDynamoDbJsonLine(R"({"pk":{"S":"1"},"sk":{"S":"1"},"test":{"S":"test"}})", &out);
  // The first real line of gurre/ddb-pitr's export (spec §2.1).
  EXPECT_EQ(out,
            "x{\"Item\":{\"pk\":{\"S\":\"1\"},\"sk\":{\"S\":\"1\"},\"test\":{\"S\":\"test\"}}}\n");
  out.clear();
  AppendDynamoDbJsonLine("{}", &out);
  EXPECT_EQ(out, "{\"Item\":{}}\n");
}

// Throughput of the Ion formatter on ~200-byte items. Not a correctness test; run with
// --gtest_also_run_disabled_tests --gtest_filter='*Bench*'.
TEST(ExportFmtIon, DISABLED_Bench) {
  const std::string item =
      R"({"pk":{"S":"user#000123456"},"sk":{"S":"order#2024-05-14T11:14:20Z"},)"
      R"("amount":{"N":"1234.56"},"qty":{"N":"3"},"status":{"S":"SHIPPED"},)"
      R"("tags":{"SS":["blue","large"]},"paid":{"BOOL":true},"note":{"S":"leave at door"}})";
  const int n = 1'000'000;
  std::string out;
  out.reserve(1 << 20);
  const std::clock_t cpu_start = std::clock();
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(AppendIonLine(item, &out).ok());
    if (out.size() > (1 << 20) - 512) {
      out.clear();
    }
  }
  double secs = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf("Ion: %d items of %zu bytes in %.3f cpu s: %.0f items/s, %.1f MB/s of item JSON\n", n,
              item.size(), secs, n / secs, n * item.size() / secs / 1e6);
  const std::clock_t cpu_start2 = std::clock();
  for (int i = 0; i < n; ++i) {
    AppendDynamoDbJsonLine(item, &out);
    if (out.size() > (1 << 20) - 512) out.clear();
  }
  secs = static_cast<double>(std::clock() - cpu_start2) / CLOCKS_PER_SEC;
  std::printf("DynamoDB JSON: %.0f items/s\n", n / secs);
}

}  // namespace
}  // namespace tideline::exporter
