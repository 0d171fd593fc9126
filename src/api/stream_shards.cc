#include "api/stream_shards.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "api/stream_ids.h"

namespace tideline::api {

StreamShards::StreamShards(const storage::StreamDescriptor& stream, uint64_t now,
                           uint64_t trim_horizon_ts)
    : stream_(stream) {
  const uint64_t rollover = stream.shard_rollover_us;
  anchor_ = std::max(static_cast<uint64_t>(std::max<int64_t>(stream.created_ms, 0)) * 1000,
                     stream.start_ts);
  if (rollover == 0) return;  // one shard
  const uint64_t first_end = anchor_ + rollover;
  if (stream.enabled()) {
    last_ = now >= first_end ? (now - anchor_) / rollover : 0;
  } else {
    last_ = stream.end_ts <= first_end ? 0 : (stream.end_ts - anchor_ - 1) / rollover;
  }
  // Shard k ends at b_k+1: the first kept is the first ending at or after the horizon.
  if (trim_horizon_ts > first_end) {
    const uint64_t first = (trim_horizon_ts - anchor_ + rollover - 1) / rollover - 1;
    first_ = std::min(first, last_);
  }
}

uint64_t StreamShards::Boundary(uint64_t index) const {
  return anchor_ + index * stream_.shard_rollover_us;
}

ShardSpan StreamShards::Span(uint64_t index) const {
  ShardSpan span;
  span.index = index;
  span.after_ts = index == 0 ? stream_.start_ts : Boundary(index);
  if (index == last_ && !stream_.enabled()) {
    span.through_ts = stream_.end_ts;
  } else {
    span.through_ts = stream_.shard_rollover_us == 0 ? UINT64_MAX : Boundary(index + 1);
  }
  span.closed = !stream_.enabled() || index < last_;
  return span;
}

std::string StreamShards::Id(uint64_t index) const {
  // FNV-1a over the stream's identity (and the shard's place in it): stable across restarts,
  // different per stream. Shard 0 keeps the id streams had before rollover existed.
  uint32_t hash = 2166136261u;
  auto mix = [&](std::string_view s) {
    for (char c : s) {
      hash ^= static_cast<uint8_t>(c);
      hash *= 16777619u;
    }
  };
  mix(stream_.table_name);
  mix("/");
  mix(stream_.label);
  mix(std::to_string(stream_.table_id));
  if (index > 0) mix("#" + std::to_string(index));
  const uint64_t start_ms = index == 0
                                ? static_cast<uint64_t>(std::max<int64_t>(stream_.created_ms, 0))
                                : Boundary(index) / 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "shardId-%020llu-%08x", static_cast<unsigned long long>(start_ms),
                hash);
  return buf;
}

std::optional<uint64_t> StreamShards::Find(std::string_view id) const {
  // shardId-<20 digits>-<8 hex>
  constexpr std::string_view kPrefix = "shardId-";
  if (id.size() != kPrefix.size() + 20 + 1 + 8 || !id.starts_with(kPrefix)) return std::nullopt;
  if (id == Id(0)) return 0;
  const uint64_t rollover = stream_.shard_rollover_us;
  if (rollover == 0) return std::nullopt;
  const std::string_view digits = id.substr(kPrefix.size(), 20);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint64_t start_ms = 0;
  const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), start_ms);
  if (parsed.ec != std::errc() || start_ms > UINT64_MAX / 1000) return std::nullopt;
  // b_k / 1000 == start_ms puts b_k within 999 us of start_ms * 1000, and a rollover is longer
  // than that: k is this quotient or the next.
  const uint64_t start_us = start_ms * 1000;
  const uint64_t guess = start_us >= anchor_ ? (start_us - anchor_) / rollover : 0;
  for (uint64_t k = std::max<uint64_t>(guess, 1); k <= guess + 1 && k <= last_; ++k) {
    if (Id(k) == id) return k;
  }
  return std::nullopt;
}

std::string StartingSequenceNumber(const ShardSpan& shard) {
  // Records have commit ts > after_ts. The first shard's starts at its stream's start_ts, so
  // that an empty closed first shard still has Starting <= Ending.
  return SequenceNumber(shard.after_ts + (shard.index > 0 ? 1 : 0), 0);
}

std::string EndingSequenceNumber(const ShardSpan& shard) {
  return SequenceNumber(shard.through_ts, kLastSequenceOp);
}

}  // namespace tideline::api
