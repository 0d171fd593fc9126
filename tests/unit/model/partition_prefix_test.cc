#include "model/partition_prefix.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "model/key_codec.h"

namespace tideline::model {
namespace {

KeySchema Schema(common::AvType hash, common::AvType range) {
  return KeySchema{"pk", hash, "sk", range};
}

// The partition prefix found in a full user key is exactly EncodePartitionPrefix of its hash
// value, whatever the sort key that follows (item collections are measured by it).
TEST(PartitionPrefixTest, SplitsUserKeysOfEveryHashType) {
  std::mt19937_64 rng(7);
  static const char kAlphabet[] = {'\0', '\x01', '\xff', 'a'};
  auto bytes = [&] {
    std::string s(rng() % 6, '\0');
    for (char& c : s) c = kAlphabet[rng() % sizeof(kAlphabet)];
    return s;
  };
  const std::vector<AttributeValue> ranges = {AttributeValue::String(std::string("\0\x01", 2)),
                                              AttributeValue::Number("-12.5")};
  for (int i = 0; i < 200; ++i) {
    const std::vector<std::pair<common::AvType, AttributeValue>> hashes = {
        {common::AvType::kS, AttributeValue::String("h" + bytes())},
        {common::AvType::kB, AttributeValue::Binary(bytes() + "b")},
        {common::AvType::kN, AttributeValue::Number(std::to_string(static_cast<int64_t>(rng())) +
                                                    (i % 2 ? ".25" : ""))}};
    for (const auto& [type, hash] : hashes) {
      for (const auto& range : ranges) {
        const KeySchema schema = Schema(type, range.type);
        const std::string key = EncodePrimaryKey(schema, hash, &range);
        const auto size = PartitionPrefixSize(key, type);
        ASSERT_TRUE(size.has_value());
        EXPECT_EQ(key.substr(0, *size), EncodePartitionPrefix(hash));
      }
    }
  }
}

TEST(PartitionPrefixTest, RejectsKeysOutsideTheGrammar) {
  EXPECT_FALSE(PartitionPrefixSize("abc", common::AvType::kS));
  // An S part without its terminator, and one whose only 0x00 is escaped.
  EXPECT_FALSE(PartitionPrefixSize(std::string("\0\0\0\0ab", 6), common::AvType::kS));
  EXPECT_FALSE(PartitionPrefixSize(std::string("\0\0\0\0a\0\xff", 7), common::AvType::kB));
}

}  // namespace
}  // namespace tideline::model
