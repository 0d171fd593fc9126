#include "import/line_parser.h"

#include <gtest/gtest.h>

#include "model/attribute_value.h"

namespace tideline::importer {
namespace {

using Result = LineParser::Result;

std::string Parsed(LineParser& parser, std::string_view line, Result expect = Result::kItem) {
  model::Item item;
  std::string error;
  EXPECT_EQ(parser.Parse(line, &item, &error), expect) << line << ": " << error;
  return expect == Result::kItem ? model::ItemToJson(item) : error;
}

TEST(DynamoDbJsonParserTest, ItemsAndIncrementalRecords) {
  auto p = NewDynamoDbJsonParser();
  EXPECT_EQ(Parsed(*p, R"({"Item":{"pk":{"S":"1"},"n":{"N":"1.50"}}})"),
            R"({"n":{"N":"1.5"},"pk":{"S":"1"}})");
  // Incremental export records (spec §2.3): NewImage is the item; a delete has none.
  EXPECT_EQ(Parsed(*p, R"({"Metadata":{"WriteTimestampMicros":{"N":"1768386096366933"}},)"
                       R"("Keys":{"pk":{"S":"2"}},"NewImage":{"pk":{"S":"2"},"t":{"S":"x"}}})"),
            R"({"pk":{"S":"2"},"t":{"S":"x"}})");
  Parsed(*p,
         R"({"Metadata":{"WriteTimestampMicros":{"N":"1"}},"Keys":{"pk":{"S":"1"}},)"
         R"("OldImage":{"pk":{"S":"1"}}})",
         Result::kSkip);
  EXPECT_NE(Parsed(*p, R"({"NotAnItem":{}})", Result::kError).find("Item"), std::string::npos);
  Parsed(*p, R"({"Item": )", Result::kError);
  Parsed(*p, R"([1,2])", Result::kError);
  EXPECT_NE(Parsed(*p, R"({"Item":{"s":{"SS":[]}}})", Result::kError).find("empty"),
            std::string::npos);
}

TEST(IonParserTest, WhatAnIonExportWrites) {
  auto p = NewIonParser();
  EXPECT_EQ(
      Parsed(*p, R"($ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],)"
                 R"(Id:103.,PageCount:6d2,Price:2d3,F:1.5,Neg:-0.25,Small:15d-131,B:{{aGk=}},)"
                 R"(T:true,N:null,L:[1,"a",[]],M:{'quoted name':"v",x:{}},)"
                 R"(NS:$dynamodb_NS::[1.,2d1],BS:$dynamodb_BS::[{{AA==}}]}})"),
      R"({"Authors":{"SS":["Author1","Author2"]},"B":{"B":"aGk="},"BS":{"BS":["AA=="]},)"
      R"("F":{"N":"1.5"},"Id":{"N":"103"},"L":{"L":[{"N":"1"},{"S":"a"},{"L":[]}]},)"
      R"("M":{"M":{"quoted name":{"S":"v"},"x":{"M":{}}}},"N":{"NULL":true},)"
      R"("NS":{"NS":["1","20"]},"Neg":{"N":"-0.25"},"PageCount":{"N":"600"},)"
      R"("Price":{"N":"2000"},"Small":{"N":"0.)" +
          std::string(129, '0') + R"(15"},"T":{"BOOL":true}})");
}

TEST(IonParserTest, AnyIonTextWriterOutput) {
  auto p = NewIonParser();
  // Whitespace, comments, strings as field names, escapes, long strings, no version marker.
  EXPECT_EQ(Parsed(*p,
                   " /* c */ { \"Item\" : { 's' : \"a\\u00e9\\x41\\n\" , l : '''x''' '''y''' ,"
                   " e : 1e3 } } // end"),
            R"({"e":{"N":"1000"},"l":{"S":"xy"},"s":{"S":"aéA\n"}})");
}

TEST(IonParserTest, RefusesWhatIsNoDynamoDbValue) {
  auto p = NewIonParser();
  Parsed(*p, "$ion_1_0 {Item:{a:sym}}", Result::kError);
  Parsed(*p, "$ion_1_0 {Item:{a:(1 2)}}", Result::kError);
  Parsed(*p, "$ion_1_0 {Item:{a:{{\"clob\"}}}}", Result::kError);
  Parsed(*p, "$ion_1_0 {Item:{a:$dynamodb_SS::[1]}}", Result::kError);
  Parsed(*p, "$ion_1_0 {Item:{a:\"unterminated}}", Result::kError);
  Parsed(*p, "$ion_1_0 {NotItem:{}}", Result::kError);
  Parsed(*p, "$ion_1_0 {Item:{}} {Item:{}}", Result::kError);
  Parsed(*p, std::string(100, '[') + std::string(100, ']'), Result::kError);
}

TEST(CsvParserTest, HeaderLineTypesAndQuotes) {
  CsvFormat format;
  format.key_types = {{"pk", common::AvType::kS}, {"sk", common::AvType::kN}};
  auto p = NewCsvParser(format);
  p->BeginObject();
  Parsed(*p, "pk,sk,v,w", Result::kSkip);
  EXPECT_EQ(Parsed(*p, R"(a,10,"x, ""y""",)"),
            R"({"pk":{"S":"a"},"sk":{"N":"10"},"v":{"S":"x, \"y\""}})");
  EXPECT_NE(Parsed(*p, "a,1,2", Result::kError).find("3 fields"), std::string::npos);
  Parsed(*p, R"(a,1,x"y,z)", Result::kError);
  Parsed(*p, R"(a,1,"x,z)", Result::kError);
  Parsed(*p, "a,notanumber,x,y", Result::kError);
  // A new object has its own header.
  p->BeginObject();
  Parsed(*p, "sk,pk", Result::kSkip);
  EXPECT_EQ(Parsed(*p, "5,b"), R"({"pk":{"S":"b"},"sk":{"N":"5"}})");
}

TEST(CsvParserTest, HeaderListAndDelimiter) {
  CsvFormat format;
  format.delimiter = '\t';
  format.has_header_list = true;
  format.header_list = {"pk", "n"};
  auto p = NewCsvParser(format);
  p->BeginObject();
  EXPECT_EQ(Parsed(*p, "pk\tn"), R"({"n":{"S":"n"},"pk":{"S":"pk"}})");
  EXPECT_EQ(Parsed(*p, "a\t7"), R"({"n":{"S":"7"},"pk":{"S":"a"}})");
}

}  // namespace
}  // namespace tideline::importer
