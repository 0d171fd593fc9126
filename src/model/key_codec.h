#pragma once
// Primary keys and their order-preserving byte encoding.
//
// Storage user key of an item (the grammar; storage appends table id before and the inverted
// commit timestamp after):
//   user_key   := partition_hash:u32be  key_part(hash_attr)  [key_part(range_attr)]
//   key_part   := S or B: bytes with 0x00 escaped as 0x00 0xFF, then terminator 0x00 0x01
//               | N: Decimal::AppendKeyEncoding (order-preserving, self-delimiting)
// partition_hash spreads items over the keyspace the way DynamoDB's hashed partitions do, so
// Scan order, parallel-scan segments and export files all follow one hash order. Within one
// partition key, range keys sort as DynamoDB sorts them: numbers numerically, strings and
// binaries by unsigned bytes.

#include <cstdint>
#include <string>
#include <string_view>

#include "model/attribute_value.h"

namespace tideline::model {

// The primary-key schema is shared with storage/'s catalog (common/key_schema.h).
using common::KeySchema;

// Appends the key_part encoding of a scalar key value (S, N or B).
void AppendKeyPart(const AttributeValue& v, std::string* out);

// Stable 32-bit hash of an encoded hash-key part. On-disk format: never change it.
uint32_t PartitionHash(std::string_view encoded_hash_part);

// The user-key bounds of slice `index` of `count` equal slices of the partition-hash space
// (parallel-scan segments, export data files): [*lower, *upper), "" meaning unbounded.
void PartitionSliceBounds(uint64_t index, uint64_t count, std::string* lower, std::string* upper);

// partition_hash + key_part(hash): the prefix shared by every item of one partition key.
std::string EncodePartitionPrefix(const AttributeValue& hash_value);
// The full user key of an item's primary key.
std::string EncodePrimaryKey(const KeySchema& schema, const AttributeValue& hash_value,
                             const AttributeValue* range_value);

// Extracts and validates the primary key of `item` against `schema` and returns its user key.
// Throws ValidationException with DynamoDB's messages when a key attribute is missing, of the
// wrong type, or empty:
//   "One or more parameter values were invalid: Missing the key <name> in the item"
//   "One or more parameter values were invalid: Type mismatch for key <name> expected: <T> actual:
//   <T>" "One or more parameter values are not valid. The AttributeValue for a key attribute cannot
//    contain an empty string value. Key: <name>"  (and "... empty binary value ...")
//   "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size
//    limit of2048 bytes" / "... Aggregated size of all range keys has exceeded the size limit of
//    1024 bytes" (DynamoDB's wording, typo included)
std::string KeyOfItem(const KeySchema& schema, const Item& item);

// Validates a request Key map (GetItem/DeleteItem/UpdateItem/ExclusiveStartKey): exactly the key
// attributes, right types, non-empty. Throws "The provided key element does not match the
// schema" as DynamoDB does (empty S/B values and oversized keys get the messages above).
// Returns the user key.
std::string KeyOfKeyMap(const KeySchema& schema, const Item& key);

// Projects the key attributes out of an item (for LastEvaluatedKey, UnprocessedKeys...).
Item KeyAttributes(const KeySchema& schema, const Item& item);

}  // namespace tideline::model
