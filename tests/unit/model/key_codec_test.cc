#include "model/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "common/api_error.h"
#include "model/decimal.h"

namespace tideline::model {
namespace {

std::string Part(const AttributeValue& v) {
  std::string out;
  AppendKeyPart(v, &out);
  return out;
}

std::string RandomBytes(std::mt19937_64& rng, size_t max_len) {
  // A small alphabet heavy in the bytes that break naive encodings: 0x00, 0x01, 0xFF.
  static const char kAlphabet[] = {'\0', '\x01', '\xff', '\xfe', 'a', 'b'};
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s) c = kAlphabet[rng() % sizeof(kAlphabet)];
  return s;
}

TEST(KeyCodecTest, StringAndBinaryPartsPreserveByteOrder) {
  std::mt19937_64 rng(1);
  std::vector<std::string> values = {"",
                                     "a",
                                     "a\0",
                                     "a\xff",
                                     "ab",
                                     std::string("a\0b", 3),
                                     std::string("\0", 1),
                                     std::string("\0\0", 2),
                                     "\xff",
                                     "\xff\xff"};
  for (int i = 0; i < 3000; ++i) values.push_back(RandomBytes(rng, 6));
  for (AvType t : {AvType::kS, AvType::kB}) {
    for (size_t i = 0; i < values.size(); ++i) {
      for (size_t j = i + 1; j < values.size() && j < i + 40; ++j) {
        AttributeValue a, b;
        a.type = b.type = t;
        a.scalar = values[i];
        b.scalar = values[j];
        // std::string compares as unsigned bytes (char_traits<char>::compare uses memcmp).
        const int want = values[i].compare(values[j]);
        const std::string ea = Part(a), eb = Part(b);
        const int got = ea.compare(eb);
        EXPECT_EQ(want < 0, got < 0);
        EXPECT_EQ(want == 0, got == 0);
        if (ea != eb) {  // prefix-free
          const size_t n = std::min(ea.size(), eb.size());
          EXPECT_NE(std::memcmp(ea.data(), eb.data(), n), 0);
        }
      }
    }
  }
}

TEST(KeyCodecTest, EscapingGrammar) {
  EXPECT_EQ(Part(AttributeValue::String("ab")), std::string("ab\0\x01", 4));
  EXPECT_EQ(Part(AttributeValue::Binary(std::string("a\0b", 3))), std::string("a\0\xff"
                                                                              "b\0\x01",
                                                                              6));
  EXPECT_EQ(Part(AttributeValue::String("")), std::string("\0\x01", 2));
  std::string n;
  Decimal::Parse("-5", nullptr)->AppendKeyEncoding(&n);
  EXPECT_EQ(Part(AttributeValue::Number("-5")), n);
}

TEST(KeyCodecTest, NumberRangeKeysSortNumericallyWithinPartition) {
  std::mt19937_64 rng(3);
  KeySchema schema{"pk", AvType::kS, "sk", AvType::kN};
  const AttributeValue pk = AttributeValue::String("partition");
  std::vector<std::pair<std::string, Decimal>> keys;
  for (int i = 0; i < 3000; ++i) {
    std::string text = (rng() % 2 ? "-" : "") + std::to_string(rng() % 100000) + "e" +
                       std::to_string(static_cast<int>(rng() % 200) - 100);
    auto d = Decimal::Parse(text, nullptr);
    ASSERT_TRUE(d) << text;
    auto sk = AttributeValue::Number(d->ToString());
    keys.emplace_back(EncodePrimaryKey(schema, pk, &sk), *d);
  }
  const std::string prefix = EncodePartitionPrefix(pk);
  std::sort(keys.begin(), keys.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i].first.compare(0, prefix.size(), prefix), 0);
    if (i > 0) {
      EXPECT_LE(Decimal::Compare(keys[i - 1].second, keys[i].second), 0);
    }
  }
}

TEST(KeyCodecTest, PartitionsNeverInterleave) {
  // Every key of a partition starts with its prefix, and no other partition's key does, even
  // when one hash value is a byte-prefix of another ("a" vs "a\0", "1" vs "10").
  KeySchema schema{"pk", AvType::kS, "sk", AvType::kS};
  const std::vector<AttributeValue> hashes = {
      AttributeValue::String("a"), AttributeValue::String(std::string("a\0", 2)),
      AttributeValue::String("ab"), AttributeValue::String("\xff")};
  const std::vector<AttributeValue> ranges = {AttributeValue::String("x"),
                                              AttributeValue::String(std::string("\0", 1)),
                                              AttributeValue::String("\xff\xff")};
  for (size_t i = 0; i < hashes.size(); ++i) {
    const std::string prefix = EncodePartitionPrefix(hashes[i]);
    for (size_t j = 0; j < hashes.size(); ++j) {
      for (const auto& r : ranges) {
        const std::string key = EncodePrimaryKey(schema, hashes[j], &r);
        EXPECT_EQ(key.compare(0, prefix.size(), prefix) == 0, i == j) << i << " " << j;
      }
    }
  }
  KeySchema numbers{"pk", AvType::kN, "", AvType::kS};
  EXPECT_NE(EncodePrimaryKey(numbers, AttributeValue::Number("10"), nullptr)
                .compare(0, EncodePartitionPrefix(AttributeValue::Number("1")).size(),
                         EncodePartitionPrefix(AttributeValue::Number("1"))),
            0);
}

TEST(KeyCodecTest, PartitionHashIsStable) {
  // On-disk format: these values must never change (cross-checked with a Python model).
  EXPECT_EQ(PartitionHash(""), 0xefd01f60u);
  EXPECT_EQ(PartitionHash(std::string("a\0\x01", 3)), 0xbc08481fu);
  EXPECT_EQ(PartitionHash("hello"), 0xe9c562c0u);
  const std::string prefix = EncodePartitionPrefix(AttributeValue::String("a"));
  ASSERT_EQ(prefix.size(), 4u + 3);
  const uint32_t h = PartitionHash(std::string("a\0\x01", 3));
  EXPECT_EQ(prefix.substr(0, 4),
            std::string({static_cast<char>(h >> 24), static_cast<char>(h >> 16),
                         static_cast<char>(h >> 8), static_cast<char>(h)}));
}

TEST(KeyCodecTest, PartitionHashSpreadsSimilarKeys) {
  // Sequential keys must land all over the 32-bit space (top byte roughly uniform).
  int buckets[16] = {};
  for (int i = 0; i < 16000; ++i) {
    ++buckets[PartitionHash(Part(AttributeValue::String("user" + std::to_string(i)))) >> 28];
  }
  for (int b : buckets) EXPECT_GT(b, 800);
}

std::string KeyError(const KeySchema& schema, const Item& item, bool key_map) {
  try {
    if (key_map) {
      KeyOfKeyMap(schema, item);
    } else {
      KeyOfItem(schema, item);
    }
  } catch (const ApiError& e) {
    EXPECT_EQ(e.type(), "ValidationException");
    return e.message();
  }
  return "no error";
}

TEST(KeyCodecTest, KeyOfItemMessages) {
  KeySchema schema{"pk", AvType::kS, "sk", AvType::kN};
  const auto s = AttributeValue::String("x");
  const auto n = AttributeValue::Number("1");
  EXPECT_EQ(KeyError(schema, {{"sk", n}}, false),
            "One or more parameter values were invalid: Missing the key pk in the item");
  EXPECT_EQ(KeyError(schema, {{"pk", s}}, false),
            "One or more parameter values were invalid: Missing the key sk in the item");
  EXPECT_EQ(KeyError(schema, {{"pk", n}, {"sk", n}}, false),
            "One or more parameter values were invalid: Type mismatch for key pk expected: S "
            "actual: N");
  EXPECT_EQ(KeyError(schema, {{"pk", s}, {"sk", AttributeValue::Null()}}, false),
            "One or more parameter values were invalid: Type mismatch for key sk expected: N "
            "actual: NULL");
  EXPECT_EQ(KeyError(schema, {{"pk", AttributeValue::String("")}, {"sk", n}}, false),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk");
  KeySchema bin{"pk", AvType::kB, "", AvType::kS};
  EXPECT_EQ(KeyError(bin, {{"pk", AttributeValue::Binary("")}}, false),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty binary value. Key: pk");
  EXPECT_EQ(
      KeyError(schema, {{"pk", AttributeValue::String(std::string(2049, 'x'))}, {"sk", n}}, false),
      "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
      "size limit of2048 bytes");
  EXPECT_EQ(
      KeyError(schema, {{"pk", AttributeValue::String(std::string(2048, 'x'))}, {"sk", n}}, false),
      "no error");
  KeySchema ss{"pk", AvType::kS, "sk", AvType::kS};
  EXPECT_EQ(
      KeyError(ss, {{"pk", s}, {"sk", AttributeValue::String(std::string(1025, 'x'))}}, false),
      "One or more parameter values were invalid: Aggregated size of all range keys has "
      "exceeded the size limit of 1024 bytes");
  // Extra attributes are fine in an item, and the key only depends on the key attributes.
  EXPECT_EQ(KeyOfItem(schema, {{"pk", s}, {"sk", n}, {"other", s}}),
            KeyOfItem(schema, {{"pk", s}, {"sk", AttributeValue::Number("1")}}));
}

TEST(KeyCodecTest, KeyOfKeyMapMessages) {
  KeySchema schema{"pk", AvType::kS, "sk", AvType::kN};
  const auto s = AttributeValue::String("x");
  const auto n = AttributeValue::Number("1");
  const char kMismatch[] = "The provided key element does not match the schema";
  EXPECT_EQ(KeyError(schema, {{"pk", s}}, true), kMismatch);
  EXPECT_EQ(KeyError(schema, {{"sk", n}}, true), kMismatch);
  EXPECT_EQ(KeyError(schema, {{"pk", s}, {"sk", n}, {"x", n}}, true), kMismatch);
  EXPECT_EQ(KeyError(schema, {{"pk", s}, {"other", n}}, true), kMismatch);
  EXPECT_EQ(KeyError(schema, {{"pk", n}, {"sk", n}}, true), kMismatch);
  EXPECT_EQ(KeyError(schema, {{"pk", s}, {"sk", s}}, true), kMismatch);
  EXPECT_EQ(KeyError(schema, {{"pk", AttributeValue::String("")}, {"sk", n}}, true),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk");
  EXPECT_EQ(KeyOfKeyMap(schema, {{"pk", s}, {"sk", n}}), KeyOfItem(schema, {{"pk", s}, {"sk", n}}));
  KeySchema hash_only{"id", AvType::kN, "", AvType::kS};
  EXPECT_EQ(KeyError(hash_only, {{"id", n}, {"sk", n}}, true), kMismatch);
  EXPECT_EQ(KeyOfKeyMap(hash_only, {{"id", AttributeValue::Number("1")}}),
            EncodePartitionPrefix(AttributeValue::Number("1")));
}

TEST(KeyCodecTest, KeyAttributesProjectsOnlyKeys) {
  KeySchema schema{"pk", AvType::kS, "sk", AvType::kN};
  Item item{{"pk", AttributeValue::String("a")},
            {"sk", AttributeValue::Number("2")},
            {"v", AttributeValue::Bool(true)}};
  Item keys = KeyAttributes(schema, item);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.at("pk"), AttributeValue::String("a"));
  EXPECT_EQ(keys.at("sk"), AttributeValue::Number("2"));
  KeySchema hash_only{"pk", AvType::kS, "", AvType::kS};
  EXPECT_EQ(KeyAttributes(hash_only, item).size(), 1u);
}

}  // namespace
}  // namespace tideline::model
