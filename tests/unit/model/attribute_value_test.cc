#include "model/attribute_value.h"

#include <gtest/gtest.h>

#include "common/api_error.h"

namespace tideline::model {
namespace {

json::Document Json(std::string_view text) {
  json::Document doc;
  std::string err;
  EXPECT_TRUE(json::Parse(text, &doc, &err)) << text << ": " << err;
  return doc;
}

AttributeValue Av(std::string_view text) { return AttributeValueFromJson(Json(text)); }

// Returns "<type>: <message>" of the ApiError thrown while parsing `text` as an AttributeValue.
std::string AvError(std::string_view text) {
  try {
    Av(text);
  } catch (const ApiError& e) {
    return e.type() + ": " + e.message();
  }
  return "no error";
}

std::string ItemError(std::string_view text) {
  try {
    ItemFromJson(Json(text));
  } catch (const ApiError& e) {
    return e.type() + ": " + e.message();
  }
  return "no error";
}

std::string RoundTrip(std::string_view text) { return ItemToJson(ItemFromJson(Json(text))); }

TEST(AttributeValueTest, ParsesEveryType) {
  EXPECT_EQ(Av(R"({"S":"x"})"), AttributeValue::String("x"));
  EXPECT_EQ(Av(R"({"N":"1.50"})").scalar, "1.5");
  EXPECT_EQ(Av(R"({"B":"AAEC/w=="})").scalar, std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(Av(R"({"BOOL":false})"), AttributeValue::Bool(false));
  EXPECT_EQ(Av(R"({"NULL":true})"), AttributeValue::Null());
  auto l = Av(R"({"L":[{"S":"a"},{"N":"1"}]})");
  ASSERT_EQ(l.type, AvType::kL);
  ASSERT_EQ(l.list.size(), 2u);
  EXPECT_EQ(l.list[1].scalar, "1");
  auto m = Av(R"({"M":{"k":{"NS":["1e2","3"]}}})");
  ASSERT_EQ(m.type, AvType::kM);
  EXPECT_EQ(m.map.at("k").set, (std::vector<std::string>{"100", "3"}));
  EXPECT_EQ(Av(R"({"BS":["AA==","AQ=="]})").set,
            (std::vector<std::string>{std::string("\0", 1), "\x01"}));
  // Empty S and B are legal for non-key attributes; so are empty strings inside sets.
  EXPECT_EQ(Av(R"({"S":""})").scalar, "");
  EXPECT_EQ(Av(R"({"B":""})").scalar, "");
  EXPECT_EQ(Av(R"({"SS":["","a"]})").set.size(), 2u);
  // Unknown members and JSON nulls are ignored.
  EXPECT_EQ(Av(R"({"S":"x","Foo":1,"N":null})"), AttributeValue::String("x"));
}

TEST(AttributeValueTest, SerializationErrors) {
  EXPECT_EQ(AvError(R"({"S":5})"),
            "SerializationException: NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(AvError(R"({"N":123})"),
            "SerializationException: NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(AvError(R"({"S":true})"),
            "SerializationException: class java.lang.Boolean can not be converted to an String");
  EXPECT_EQ(AvError(R"({"S":{}})"),
            "SerializationException: Start of structure or map found where not expected.");
  EXPECT_EQ(AvError(R"({"S":[]})"),
            "SerializationException: Start of list found where not expected");
  EXPECT_EQ(AvError(R"({"BOOL":"yes"})"),
            "SerializationException: 'YES' can not be converted to an Boolean");
  EXPECT_EQ(AvError(R"({"L":"x"})"), "SerializationException: Expected list or null");
  EXPECT_EQ(AvError(R"({"L":{}})"),
            "SerializationException: Start of structure or map found where not expected.");
  EXPECT_EQ(AvError(R"({"M":[]})"),
            "SerializationException: Start of list found where not expected");
  EXPECT_EQ(AvError(R"({"M":1})"), "SerializationException: Expected map or null");
  EXPECT_EQ(AvError(R"({"SS":"a"})"), "SerializationException: Expected list or null");
  EXPECT_EQ(AvError(R"({"SS":[1]})"),
            "SerializationException: NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(AvError(R"("x")"), "SerializationException: Expected null");
  EXPECT_EQ(AvError(R"([])"), "SerializationException: Start of list found where not expected");
  EXPECT_EQ(ItemError(R"([])"), "SerializationException: Start of list found where not expected");
  EXPECT_EQ(ItemError(R"({"a":1})"), "SerializationException: Expected null");
}

TEST(AttributeValueTest, Base64Errors) {
  EXPECT_EQ(AvError(R"({"B":"abc"})"),
            "SerializationException: 'abc' can not be converted to a Blob: Base64 encoded length "
            "is expected a multiple of 4 bytes but found: 3");
  EXPECT_EQ(AvError(R"({"B":"ab!d"})"),
            "SerializationException: 'ab!d' can not be converted to a Blob: Invalid Base64 "
            "character: '!'");
  EXPECT_EQ(AvError(R"({"B":"a=bc"})"),
            "SerializationException: 'a=bc' can not be converted to a Blob: Invalid Base64 "
            "character: '='");
  EXPECT_EQ(AvError(R"({"B":"AB=="})"),
            "SerializationException: 'AB==' can not be converted to a Blob: Invalid last non-pad "
            "Base64 character dectected");
  EXPECT_EQ(AvError(R"({"BS":["AA==", "x"]})").substr(0, 28), "SerializationException: 'x' ");
  EXPECT_EQ(AvError(R"({"B":5})"),
            "SerializationException: NUMBER_VALUE cannot be converted to Blob");
}

TEST(AttributeValueTest, ValidationErrors) {
  const std::string v = "ValidationException: ";
  EXPECT_EQ(AvError(R"({})"),
            v + "Supplied AttributeValue is empty, must contain exactly one of the supported "
                "datatypes");
  EXPECT_EQ(AvError(R"({"S":null})"),
            v + "Supplied AttributeValue is empty, must contain exactly one of the supported "
                "datatypes");
  EXPECT_EQ(AvError(R"({"S":"a","N":"1"})"),
            v + "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                "one of the supported datatypes");
  EXPECT_EQ(AvError(R"({"SS":[]})"),
            v + "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(AvError(R"({"NS":[]})"),
            v + "One or more parameter values were invalid: An number set  may not be empty");
  EXPECT_EQ(AvError(R"({"BS":[]})"),
            v + "One or more parameter values were invalid: Binary sets should not be empty");
  EXPECT_EQ(AvError(R"({"SS":["a","a"]})"),
            v + "One or more parameter values were invalid: Input collection [a, a] contains "
                "duplicates.");
  EXPECT_EQ(AvError(R"({"NS":["1","1.0"]})"),
            v + "One or more parameter values were invalid: Input collection [1, 1.0] contains "
                "duplicates.");
  EXPECT_EQ(AvError(R"({"BS":["AA==","AA=="]})"),
            v + "One or more parameter values were invalid: Input collection [AA==, AA==]of type "
                "BS contains duplicates.");
  EXPECT_EQ(AvError(R"({"NULL":false})"),
            v + "One or more parameter values were invalid: Null attribute value types must have "
                "the value of true");
  EXPECT_EQ(AvError(R"({"N":"dog"})"),
            v + "The parameter cannot be converted to a numeric value: dog");
  EXPECT_EQ(AvError(R"({"N":""})"), v + "The parameter cannot be converted to a numeric value");
  EXPECT_EQ(AvError(R"({"NS":["1","1e126"]})"),
            v + "Number overflow. Attempting to store a number with magnitude larger than "
                "supported range");
  EXPECT_EQ(AvError(R"({"L":[{"S":"a"},{}]})"),
            v + "Supplied AttributeValue is empty, must contain exactly one of the supported "
                "datatypes");
  EXPECT_EQ(AvError(R"({"M":{"a":{"N":"x"}}})"),
            v + "The parameter cannot be converted to a numeric value: x");
}

TEST(AttributeValueTest, SerializationErrorWinsOverEarlierValidationError) {
  // DynamoDB deserializes the whole request before validating it.
  EXPECT_EQ(AvError(R"({"L":[{"N":"dog"},{"S":5}]})"),
            "SerializationException: NUMBER_VALUE cannot be converted to String");
  EXPECT_EQ(ItemError(R"({"a":{"SS":[]},"b":{"B":"!!!!"}})").substr(0, 23),
            "SerializationException:");
}

std::string Nested(int containers, const char* kind) {
  std::string s;
  for (int i = 0; i < containers; ++i) s += kind[0] == 'L' ? R"({"L":[)" : R"({"M":{"k":)";
  s += R"({"S":"leaf"})";
  for (int i = 0; i < containers; ++i) s += kind[0] == 'L' ? "]}" : "}}";
  return s;
}

// 31 containers around a value are accepted, 32 are not (as DynamoDB answers).
TEST(AttributeValueTest, NestingLimitIs32Levels) {
  const std::string msg =
      "ValidationException: Nesting Levels have exceeded supported limits: Attributes in the "
      "item have nested levels beyond supported limit";
  for (const char* kind : {"L", "M"}) {
    EXPECT_EQ(Av(Nested(31, kind)).type, kind[0] == 'L' ? AvType::kL : AvType::kM);
    EXPECT_EQ(AvError(Nested(32, kind)), msg);
    EXPECT_EQ(ItemError(std::string(R"({"a":)") + Nested(31, kind) + "}"), "no error");
    EXPECT_EQ(ItemError(std::string(R"({"a":)") + Nested(32, kind) + "}"), msg);
  }
  // Hostile depth neither overflows the stack nor succeeds.
  EXPECT_EQ(AvError(Nested(100000, "L")), msg);
}

// An item's attributes need a name; keys of nested maps may be empty.
TEST(AttributeValueTest, EmptyAttributeNames) {
  EXPECT_EQ(ItemError(R"({"a":{"S":"x"},"":{"S":"y"}})"),
            "ValidationException: One or more parameter values were invalid: An attribute name "
            "may not be empty");
  EXPECT_EQ(ItemError(R"({"a":{"M":{"":{"S":"y"}}}})"), "no error");
  EXPECT_EQ(AvError(R"({"M":{"":{"S":"y"}}})"), "no error");
}

TEST(AttributeValueTest, RoundTripIsCompactWireJson) {
  EXPECT_EQ(RoundTrip(R"({ "b" : {"B":"AAEC/w=="}, "a": {"N": "+001.50"}, "c":{"NULL":true},
                         "d": {"L": [ {"BOOL": true}, {"M": {"x": {"SS": ["q","p"]}}} ]},
                         "e": {"BS": ["AQ=="]}, "f": {"NS": ["1e3", "-0.5"]}, "g": {"S": "\u00e9\"\n"}})"),
            R"({"a":{"N":"1.5"},"b":{"B":"AAEC/w=="},"c":{"NULL":true},)"
            R"("d":{"L":[{"BOOL":true},{"M":{"x":{"SS":["q","p"]}}}]},"e":{"BS":["AQ=="]},)"
            R"("f":{"NS":["1000","-0.5"]},"g":{"S":"é\"\n"}})");
}

TEST(AttributeValueTest, Equality) {
  EXPECT_EQ(AttributeValue::Number("1"), AttributeValue::Number("1.0"));
  EXPECT_NE(AttributeValue::Number("1"), AttributeValue::String("1"));
  EXPECT_EQ(Av(R"({"SS":["a","b"]})"), Av(R"({"SS":["b","a"]})"));
  EXPECT_NE(Av(R"({"SS":["a","b"]})"), Av(R"({"SS":["a","c"]})"));
  EXPECT_EQ(Av(R"({"NS":["1","20"]})"), Av(R"({"NS":["2e1","1.0"]})"));
  EXPECT_NE(Av(R"({"NS":["1","20"]})"), Av(R"({"NS":["1","2"]})"));
  EXPECT_NE(Av(R"({"L":[{"S":"a"},{"S":"b"}]})"), Av(R"({"L":[{"S":"b"},{"S":"a"}]})"));
  EXPECT_EQ(Av(R"({"M":{"x":{"N":"5"}}})"), Av(R"({"M":{"x":{"N":"5.00"}}})"));
  EXPECT_NE(Av(R"({"M":{"x":{"N":"5"}}})"), Av(R"({"M":{"y":{"N":"5"}}})"));
  EXPECT_NE(AttributeValue::Bool(true), AttributeValue::Bool(false));
}

TEST(AttributeValueTest, ItemSizeFollowsDynamoDbRules) {
  auto item = ItemFromJson(Json(R"({
      "id": {"S": "abc"},
      "n": {"N": "12345"},
      "neg": {"N": "-1.5"},
      "flag": {"BOOL": true},
      "nothing": {"NULL": true},
      "bin": {"B": "AAEC"},
      "l": {"L": [{"S": "ab"}, {"N": "1"}]},
      "m": {"M": {"k": {"S": "v"}}},
      "ss": {"SS": ["a", "bc"]},
      "ns": {"NS": ["1", "100"]},
      "zero": {"N": "0"},
      "em": {"L": []}
  })"));
  EXPECT_EQ(AttributeValueSize(item.at("id")), 3u);
  EXPECT_EQ(AttributeValueSize(item.at("n")), 4u);    // 5 digits: 3 + 1
  EXPECT_EQ(AttributeValueSize(item.at("neg")), 2u);  // 2 digits: 1 + 1; the sign is free
  EXPECT_EQ(AttributeValueSize(item.at("flag")), 1u);
  EXPECT_EQ(AttributeValueSize(item.at("nothing")), 1u);
  EXPECT_EQ(AttributeValueSize(item.at("bin")), 3u);            // raw bytes, not base64
  EXPECT_EQ(AttributeValueSize(item.at("l")), 3u + 2 + 2 + 2);  // overhead, elements, values
  EXPECT_EQ(AttributeValueSize(item.at("m")), 3u + 1 + 1 + 1);  // overhead, element, name, value
  EXPECT_EQ(AttributeValueSize(item.at("ss")), 3u);
  EXPECT_EQ(AttributeValueSize(item.at("ns")), 4u);  // "1" -> 2, "100" -> 1 digit -> 2
  EXPECT_EQ(AttributeValueSize(item.at("zero")), 1u);
  EXPECT_EQ(AttributeValueSize(item.at("em")), 3u);
  size_t want = 0;
  for (const auto& [name, v] : item) want += name.size() + AttributeValueSize(v);
  EXPECT_EQ(ItemSize(item), want);
  EXPECT_EQ(ItemSize(item), 2u + 3 + 1 + 4 + 3 + 2 + 4 + 1 + 7 + 1 + 3 + 3 + 1 + 9 + 1 + 6 + 2 + 3 +
                                2 + 4 + 4 + 1 + 2 + 3);
}

TEST(AttributeValueTest, TypeNames) {
  for (int i = 0; i <= static_cast<int>(AvType::kBS); ++i) {
    AvType t = static_cast<AvType>(i), back;
    ASSERT_TRUE(AvTypeFromName(AvTypeName(t), &back));
    EXPECT_EQ(back, t);
  }
  AvType t;
  EXPECT_FALSE(AvTypeFromName("s", &t));
  EXPECT_FALSE(AvTypeFromName("BOOLEAN", &t));
  EXPECT_FALSE(AvTypeFromName("XS", &t));
}

}  // namespace
}  // namespace tideline::model
