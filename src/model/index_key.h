#pragma once
// Secondary-index keys: which items an index holds, under which key, with which attributes.
//
// Index key of an item (the grammar; storage prefixes the table and index ids and appends the
// base item's user key, docs/storage.md "Indexes"):
//   index_key := partition_hash:u32be key_part(h1)..key_part(hn) key_part(r1)..key_part(rm)
// key_part and PartitionHash are those of model/key_codec.h. The partition hash covers every
// hash part together (a multi-attribute GSI partition key is "hashed together"), so one index
// partition is one contiguous prefix, and the range parts compared left to right give DynamoDB's
// tuple order: each part is self-delimiting and order-preserving for its own type.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/attribute_value.h"
#include "model/key_codec.h"

namespace tideline::model {

// One attribute of an index key (storage::IndexKeyAttribute aliases it).
struct KeyAttribute {
  std::string name;
  AvType type = AvType::kS;
};

// GSIs take 1..4 hash and 0..4 range attributes; an LSI has the table's hash key and one range.
struct IndexKeySchema {
  std::vector<KeyAttribute> hash;
  std::vector<KeyAttribute> range;
};

// What an index entry holds besides the keys (storage::IndexMeta::Projection aliases it).
enum class IndexProjection { kAll, kKeysOnly, kInclude };

// The outcome of computing an item's index key.
enum class IndexKeyVerdict {
  kKey,      // the item is in the index under *key
  kAbsent,   // the item lacks an index key attribute: not in the index (sparse)
  kInvalid,  // a present key attribute has the wrong type, is empty or is too large
};

// Non-throwing form for storage (commit path, backfill, restore), which treats an invalid key
// like an absent one, as DynamoDB's backfill does with items that violate a new index's key
// schema. *error (optional) receives the ValidationException message IndexKeyOfItem throws.
// A present attribute is checked even when another one is absent: DynamoDB refuses a wrong-typed
// index key attribute on any write, member or not (spec/indexes.md §3.2).
IndexKeyVerdict ComputeIndexKey(const IndexKeySchema& schema, const Item& item,
                                std::string_view index_name, std::string* key,
                                std::string* error = nullptr);

// The index key of an item; nullopt when the item lacks any index key attribute (sparse).
// Throws ValidationException with DynamoDB's messages (spec/indexes.md §3.2, §3.3):
//   "One or more parameter values were invalid: Type mismatch for Index Key <attr> Expected: <T>
//    Actual: <T> IndexName: <index>"
//   "One or more parameter values are not valid. A value specified for a secondary index key is
//    not supported. The AttributeValue for a key attribute cannot contain an empty string value.
//    IndexName: <index>, IndexKey: <attr>"   (binary: "... empty binary value. ...")
//   over-long keys: the table-key texts of key_codec.h (AWS's index wording is unknown).
std::optional<std::string> IndexKeyOfItem(const IndexKeySchema& schema, const Item& item,
                                          std::string_view index_name);

// partition_hash + key_part(h1..hn): the prefix shared by all entries of one index partition.
// hash_values are in schema.hash order and of the schema's types (the caller validated them).
std::string EncodeIndexPartitionPrefix(const IndexKeySchema& schema,
                                       const std::vector<AttributeValue>& hash_values);

// The attributes an index entry holds (DynamoDB's projections): ALL = the whole item;
// KEYS_ONLY = the table's key and the index's key attributes; INCLUDE = those plus each of
// non_key_attributes the item has. An LSI's entries hold the table's sort key as any other key.
Item ProjectItem(const Item& item, const KeySchema& table_key, const IndexKeySchema& index_key,
                 IndexProjection projection, const std::vector<std::string>& non_key_attributes);

}  // namespace tideline::model
