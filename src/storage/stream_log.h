#pragma once
// What storage keeps for DynamoDB Streams (docs/storage.md "Streams"): a descriptor per stream
// and the change records the commit path writes, in the same RocksDB batch and under the same
// commit timestamp as the item writes they describe (so they are durable exactly when those
// writes are). Storage stores changes; the API shapes them into DynamoDB's records.
//
// A stream of a table covers the commits with timestamps in (start_ts, end_ts] (end_ts 0: still
// enabled). A table has at most one enabled stream, so its streams' ranges never overlap and the
// records of all of them share the table's record key space, ordered by (commit ts, op number).

#include <cstdint>
#include <string>

#include "common/key_schema.h"

namespace tideline::storage {

// Who made a write: a stream record names the service for the deletions of expired items.
enum class WriteOrigin : uint8_t {
  kUser = 0,
  kTimeToLive = 1,
};

struct StreamDescriptor {
  std::string table_name;
  std::string label;  // the enable time, "YYYY-MM-DDTHH:MM:SS.mmm" (UTC)
  uint64_t table_id = 0;
  std::string view_type;  // KEYS_ONLY | NEW_IMAGE | OLD_IMAGE | NEW_AND_OLD_IMAGES
  common::KeySchema key_schema;
  uint64_t start_ts = 0;  // records have commit ts > start_ts ...
  uint64_t end_ts = 0;    // ... and <= end_ts once the stream is disabled (0: enabled)
  int64_t created_ms = 0;
  // Shard rollover (docs/storage.md "Streams"): fixed when the stream is enabled, so that its
  // shards stay the same across restarts whatever the server's setting later is. 0: one shard.
  uint64_t shard_rollover_us = 0;
  bool enabled() const { return end_ts == 0; }
};

// A position in a table's records: the first record at or after (ts, op).
struct StreamPosition {
  uint64_t ts = 0;
  uint32_t op = 0;
};

enum class StreamEvent : char {
  kInsert = 'I',
  kModify = 'M',
  kRemove = 'R',
};

// One change as stored. The images stored are those the stream's view type shows, plus the one
// image the keys are read from when the view shows none (KEYS_ONLY; an OLD_IMAGE INSERT; a
// NEW_IMAGE REMOVE).
struct StreamRecord {
  uint64_t ts = 0;
  uint32_t op = 0;  // the op's position in its commit
  StreamEvent event = StreamEvent::kInsert;
  WriteOrigin origin = WriteOrigin::kUser;
  bool has_old = false;
  bool has_new = false;
  std::string old_json;   // wire JSON of the item before the write
  std::string new_json;   // ... and after
  uint64_t old_size = 0;  // DynamoDB item sizes
  uint64_t new_size = 0;
};

// How long stream records and disabled streams are kept (DynamoDB: 24 hours).
constexpr uint64_t kStreamRetentionMicros = 24ull * 3600 * 1000 * 1000;
// Trimming removes only what is older than the retention and this slack: a reader's position
// judged within the retention by one call is still there at the next (DynamoDB: data past
// 24 hours "is susceptible to trimming at any moment", not gone at once).
constexpr uint64_t kStreamTrimSlackMicros = 3600ull * 1000 * 1000;

}  // namespace tideline::storage
