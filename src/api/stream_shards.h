#pragma once
// The shards of a stream: how Tideline presents one stream's records (one key range of
// storage's, stream_log.h) as the shard lineage DynamoDB Streams clients walk
// (docs/streams.md "Shards").
//
// A stream has one open shard at a time. Every `shard_rollover_us` of commit time (AWS: about
// 4 hours; the descriptor keeps the value the stream was enabled with) the open shard is closed
// and a child, whose ParentShardId names it, takes the following commits: shard k holds the
// records with commit ts in (b_k, b_k+1], where b_0 = start_ts and b_k = anchor + k * rollover
// for k >= 1 (anchor: the later of the enable's wall time and start_ts). A shard is closed once
// Storage::Now() has reached its end (no later commit can fall in it), or when the stream is
// disabled (the last shard then ends at end_ts). The shards are a pure function of the
// descriptor and the time, so they are the same after a restart or a kill -9, and nothing about
// them is stored. Shards wholly older than the 24-hour retention are trimmed: no longer listed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/stream_log.h"

namespace tideline::api {

struct ShardSpan {
  uint64_t index = 0;
  uint64_t after_ts = 0;    // the shard's records have commit ts > after_ts ...
  uint64_t through_ts = 0;  // ... and <= through_ts
  bool closed = false;      // no record will be added to it
};

class StreamShards {
 public:
  // `now`: Storage::Now(), taken before any record is read, so that a shard judged closed has
  // every one of its records visible. `trim_horizon_ts`: records before it are trimmed.
  StreamShards(const storage::StreamDescriptor& stream, uint64_t now, uint64_t trim_horizon_ts);

  uint64_t first() const { return first_; }  // the oldest shard kept
  uint64_t last() const { return last_; }    // the newest (open while the stream is enabled)
  ShardSpan Span(uint64_t index) const;
  // shardId-<20-digit ms of the shard's start>-<8 hex digits>: shards sort in creation order.
  std::string Id(uint64_t index) const;
  // The shard `id` names, trimmed or not; nullopt when it names none of this stream's.
  std::optional<uint64_t> Find(std::string_view id) const;

 private:
  uint64_t Boundary(uint64_t index) const;  // b_index (index >= 1)

  const storage::StreamDescriptor& stream_;
  uint64_t anchor_ = 0;
  uint64_t first_ = 0;
  uint64_t last_ = 0;
};

// The SequenceNumberRange of a shard: at or before its first record, and (closed) at or after
// its last.
std::string StartingSequenceNumber(const ShardSpan& shard);
std::string EndingSequenceNumber(const ShardSpan& shard);

}  // namespace tideline::api
