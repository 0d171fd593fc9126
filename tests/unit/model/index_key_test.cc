#include "model/index_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/api_error.h"

namespace tideline::model {
namespace {

AttributeValue S(std::string s) { return AttributeValue::String(std::move(s)); }
AttributeValue N(std::string n) { return AttributeValue::Number(std::move(n)); }

IndexKeySchema Schema(std::vector<KeyAttribute> hash, std::vector<KeyAttribute> range = {}) {
  return IndexKeySchema{std::move(hash), std::move(range)};
}

std::string ValidationMessage(const IndexKeySchema& schema, const Item& item) {
  try {
    IndexKeyOfItem(schema, item, "gsi1");
  } catch (const ApiError& e) {
    EXPECT_EQ(e.type(), "ValidationException");
    return e.message();
  }
  return "(no error)";
}

TEST(IndexKeyTest, SingleAttributeKeyEqualsTheTableKeyEncoding) {
  // An index keyed like a table encodes like a table key: one grammar for both.
  const IndexKeySchema schema = Schema({{"g", AvType::kS}}, {{"r", AvType::kN}});
  const Item item{{"g", S("x")}, {"r", N("12")}, {"other", S("y")}};
  const KeySchema table{"g", AvType::kS, "r", AvType::kN};
  const AttributeValue r = N("12");
  EXPECT_EQ(IndexKeyOfItem(schema, item, "i").value(), EncodePrimaryKey(table, S("x"), &r));
  EXPECT_EQ(EncodeIndexPartitionPrefix(schema, {S("x")}), EncodePartitionPrefix(S("x")));
}

TEST(IndexKeyTest, MissingAttributeMakesTheItemSparse) {
  const IndexKeySchema schema = Schema({{"a", AvType::kS}, {"b", AvType::kN}}, {{"c", AvType::kS}});
  EXPECT_FALSE(IndexKeyOfItem(schema, {{"a", S("x")}, {"b", N("1")}}, "i").has_value());
  EXPECT_FALSE(IndexKeyOfItem(schema, {{"a", S("x")}, {"c", S("z")}}, "i").has_value());
  EXPECT_TRUE(IndexKeyOfItem(schema, {{"a", S("x")}, {"b", N("1")}, {"c", S("z")}}, "i"));
}

TEST(IndexKeyTest, MultiAttributePartitionPrefixHashesAllHashParts) {
  const IndexKeySchema schema = Schema({{"a", AvType::kS}, {"b", AvType::kN}}, {{"c", AvType::kS}});
  const std::string key =
      *IndexKeyOfItem(schema, {{"a", S("x")}, {"b", N("1")}, {"c", S("z")}}, "i");
  const std::string prefix = EncodeIndexPartitionPrefix(schema, {S("x"), N("1")});
  ASSERT_EQ(key.substr(0, prefix.size()), prefix);
  std::string parts;
  AppendKeyPart(S("x"), &parts);
  AppendKeyPart(N("1"), &parts);
  EXPECT_EQ(prefix.substr(4), parts);
  const uint32_t h = PartitionHash(parts);
  EXPECT_EQ(static_cast<uint8_t>(prefix[0]), h >> 24);
  EXPECT_EQ(static_cast<uint8_t>(prefix[3]), h & 0xff);
  // Another second hash part is another partition.
  EXPECT_NE(prefix.substr(0, 4), EncodeIndexPartitionPrefix(schema, {S("x"), N("2")}).substr(0, 4));
}

TEST(IndexKeyTest, RangeTuplesSortLeftToRightEachByItsType) {
  const IndexKeySchema schema =
      Schema({{"h", AvType::kS}}, {{"s", AvType::kS}, {"n", AvType::kN}, {"b", AvType::kB}});
  struct Row {
    std::string s, n, b;
  };
  // In DynamoDB's order: s by bytes, then n numerically, then b by unsigned bytes.
  const std::vector<Row> sorted = {{"a", "-10", "x"}, {"a", "2", "\x01"}, {"a", "2", "\xff"},
                                   {"a", "10", ""},   {"ab", "-1", "a"},  {"b", "0", "a"}};
  std::vector<std::string> keys;
  for (const Row& r : sorted) {
    Item item{{"h", S("p")}, {"s", S(r.s)}, {"n", N(r.n)}};
    if (!r.b.empty()) item["b"] = AttributeValue::Binary(r.b);
    std::string key;
    if (ComputeIndexKey(schema, item, "i", &key) == IndexKeyVerdict::kKey) keys.push_back(key);
  }
  ASSERT_EQ(keys.size(), sorted.size() - 1);  // the row without b is sparse
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

TEST(IndexKeyTest, TypeMismatchNamesAttributeTypesAndIndex) {
  const IndexKeySchema schema = Schema({{"g", AvType::kS}});
  EXPECT_EQ(ValidationMessage(schema, {{"g", N("1")}}),
            "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S "
            "Actual: N IndexName: gsi1");
  EXPECT_EQ(ValidationMessage(schema, {{"g", AttributeValue::Null()}}),
            "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S "
            "Actual: NULL IndexName: gsi1");
  // A present wrong-typed attribute is refused even when another key attribute is absent.
  const IndexKeySchema two = Schema({{"g", AvType::kS}}, {{"r", AvType::kN}});
  EXPECT_NE(ValidationMessage(two, {{"r", S("x")}}), "(no error)");
}

TEST(IndexKeyTest, EmptyStringAndBinaryAreRefused) {
  EXPECT_EQ(ValidationMessage(Schema({{"g", AvType::kS}}), {{"g", S("")}}),
            "One or more parameter values are not valid. A value specified for a secondary index "
            "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
            "string value. IndexName: gsi1, IndexKey: g");
  EXPECT_EQ(ValidationMessage(Schema({{"g", AvType::kS}}, {{"b", AvType::kB}}),
                              {{"g", S("x")}, {"b", AttributeValue::Binary("")}}),
            "One or more parameter values are not valid. A value specified for a secondary index "
            "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
            "binary value. IndexName: gsi1, IndexKey: b");
}

TEST(IndexKeyTest, OversizedKeysAreRefusedAndComputeIndexKeyDoesNotThrow) {
  const IndexKeySchema schema = Schema({{"g", AvType::kS}}, {{"r", AvType::kS}});
  EXPECT_NE(ValidationMessage(schema, {{"g", S(std::string(2049, 'x'))}, {"r", S("r")}}),
            "(no error)");
  EXPECT_NE(ValidationMessage(schema, {{"g", S("g")}, {"r", S(std::string(1025, 'x'))}}),
            "(no error)");
  EXPECT_EQ(ValidationMessage(schema,
                              {{"g", S(std::string(2048, 'x'))}, {"r", S(std::string(1024, 'x'))}}),
            "(no error)");
  std::string key, error;
  EXPECT_EQ(ComputeIndexKey(schema, {{"g", N("1")}}, "gsi1", &key, &error),
            IndexKeyVerdict::kInvalid);
  EXPECT_NE(error.find("Type mismatch for Index Key g"), std::string::npos);
}

TEST(IndexKeyTest, ProjectionsKeepTheirAttributes) {
  const KeySchema table{"pk", AvType::kS, "sk", AvType::kS};
  const IndexKeySchema index = Schema({{"g", AvType::kS}}, {{"r", AvType::kN}});
  const Item item{{"pk", S("p")}, {"sk", S("s")}, {"g", S("x")},
                  {"r", N("1")},  {"a", S("1")},  {"b", S("2")}};
  EXPECT_EQ(ProjectItem(item, table, index, IndexProjection::kAll, {}), item);
  const Item keys{{"pk", S("p")}, {"sk", S("s")}, {"g", S("x")}, {"r", N("1")}};
  EXPECT_EQ(ProjectItem(item, table, index, IndexProjection::kKeysOnly, {}), keys);
  Item include = keys;
  include["b"] = S("2");
  EXPECT_EQ(ProjectItem(item, table, index, IndexProjection::kInclude, {"b", "missing"}), include);
}

}  // namespace
}  // namespace tideline::model
