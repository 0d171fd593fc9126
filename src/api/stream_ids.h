#pragma once
// The identifiers of the DynamoDB Streams API (shared/spec/streams-ttl.md §2, §4) and how
// Tideline maps them onto storage's streams (storage/stream_log.h):
//   - StreamArn: arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>.
//   - Shards: rolled over every so often (AWS: about 4 hours): stream_shards.h.
//   - SequenceNumber: the decimal of commit_ts (microseconds) followed by the op's position in
//     its commit on 5 digits, at least 21 digits: rising within the shard, comparable as big
//     integers, as clients expect.
//   - ShardIterator: <StreamArn>|1|<base64 of the position, the time it was issued and the
//     shard> (AWS's outward form); it expires 15 minutes after it was issued.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/context.h"
#include "storage/stream_log.h"

namespace tideline::api {

// How long a shard iterator may be used (AWS: 15 minutes).
constexpr int64_t kIteratorLifetimeMs = 15 * 60 * 1000;

struct ParsedStreamArn {
  std::string table_name;
  std::string label;
};
// nullopt when `arn` does not have the form of a stream ARN. A well-formed ARN of another
// region or account is returned with `foreign` set (it names no stream here).
std::optional<ParsedStreamArn> ParseStreamArn(const ServerConfig& config, std::string_view arn,
                                              bool* foreign);

std::string SequenceNumber(uint64_t ts, uint32_t op);
// nullopt when `text` is not a decimal number.
std::optional<storage::StreamPosition> ParseSequenceNumber(std::string_view text);
// The greatest op position a sequence number can carry.
constexpr uint32_t kLastSequenceOp = 99999;

struct ShardIterator {
  std::string stream_arn;
  uint64_t shard = 0;  // StreamShards' index
  storage::StreamPosition position;
  int64_t issued_ms = 0;
};
std::string EncodeShardIterator(const ShardIterator& it);
// nullopt for text that is not an iterator Tideline issued.
std::optional<ShardIterator> DecodeShardIterator(std::string_view text);

}  // namespace tideline::api
