#pragma once
// The partition part of a stored user key (model/key_codec.h's grammar): partition_hash and the
// hash key's key_part, the prefix shared by every item of one partition key value and by that
// value's entries in the table's local secondary indexes. Storage measures item collections by
// it (storage/item_collections.h).

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/key_schema.h"

namespace tideline::model {

// The length of the partition prefix of `user_key`, whose hash key is of type `hash_type` (S, N
// or B); nullopt when the key does not follow the grammar.
std::optional<size_t> PartitionPrefixSize(std::string_view user_key, common::AvType hash_type);

}  // namespace tideline::model
