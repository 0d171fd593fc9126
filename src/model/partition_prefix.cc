#include "model/partition_prefix.h"

#include "model/decimal.h"

namespace tideline::model {

std::optional<size_t> PartitionPrefixSize(std::string_view user_key, common::AvType hash_type) {
  constexpr size_t kHashSize = 4;  // partition_hash:u32be
  if (user_key.size() < kHashSize) return std::nullopt;
  std::string_view part = user_key.substr(kHashSize);
  if (hash_type == common::AvType::kN) {
    // Self-delimiting: the decoder stops where the number's encoding ends.
    if (!Decimal::DecodeKey(&part)) return std::nullopt;
    return user_key.size() - part.size();
  }
  // S or B: 0x00 is escaped as 0x00 0xFF, so the first 0x00 0x01 is the terminator.
  for (size_t i = 0; i + 1 < part.size(); ++i) {
    if (part[i] != '\0') continue;
    if (part[i + 1] == '\x01') return kHashSize + i + 2;
    ++i;  // an escaped 0x00
  }
  return std::nullopt;
}

}  // namespace tideline::model
