// GetRecords (DynamoDB Streams API): up to Limit (1..1000, default 1000) records and about 1 MB
// from a shard iterator, and the iterator of what follows in that shard (stream_shards.h).
// NextShardIterator is always present for an open shard (even with no records) and absent once a
// closed shard is read to its end: the reader goes on with the shard's child.

#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/stream_access.h"
#include "api/stream_ids.h"
#include "api/stream_record_json.h"
#include "api/stream_shards.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

constexpr size_t kMaxBytes = 1 << 20;  // "a maximum of 1 MB of data" per call

}  // namespace

std::string ExecuteGetRecords(Context& ctx, const json::Value& req) {
  auto iterator_text = OptString(req, "ShardIterator");
  auto limit = OptInteger(req, "Limit");
  ValidationErrors errors;
  if (!iterator_text)
    errors.AddNull("shardIterator");
  else
    CheckLength(*iterator_text, "shardIterator", 1, 2048, &errors);
  // Limit past 1000 is a ValidationException on AWS (ScyllaDB test_get_records_too_high_limit),
  // though the model documents LimitExceededException.
  if (limit) CheckRange(*limit, "limit", 1, 1000, &errors);
  errors.ThrowIfAny();
  auto iterator = DecodeShardIterator(*iterator_text);
  if (!iterator) {
    // A ValidationException on AWS (ScyllaDB test_get_records_nonexistent_iterator); the
    // wording is Tideline's.
    throw ApiError::Validation("Invalid ShardIterator: not an iterator this server issued");
  }
  const storage::StreamDescriptor stream = FindStreamOrThrow(ctx, iterator->stream_arn);
  const int64_t now_ms = NowMillis();
  if (now_ms - iterator->issued_ms > kIteratorLifetimeMs) {
    // AWS's message is not known; this is the model's description of the error.
    throw ExpiredIterator("The provided iterator exceeds the maximum age allowed.");
  }
  // Whether the shard is closed is settled before reading: then every record it will ever hold
  // is visible to the read.
  const uint64_t now = ctx.storage.Now();
  const uint64_t horizon = TrimHorizonTs(now);
  const StreamShards shards(stream, now, horizon);
  // A shard past the last one: the stream was disabled at the very commit time its parent
  // ended, so it never got a record (iterators name only shards that were listed).
  const bool vanished = iterator->shard > shards.last();
  const ShardSpan shard = shards.Span(std::min(iterator->shard, shards.last()));
  if (PositionTrimmed(iterator->position.ts, shard.after_ts, horizon)) throw TrimmedDataAccess();
  std::vector<storage::StreamRecord> records;
  bool end = true;
  if (!vanished) {
    Status s = ctx.storage.ReadStreamRecords(stream, iterator->position,
                                             static_cast<size_t>(limit.value_or(1000)), kMaxBytes,
                                             &records, &end, shard.through_ts);
    if (!s.ok()) throw StatusError(s);
  }
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Records");
  w.StartArray();
  for (const auto& record : records) {
    WriteStreamRecord(w, ctx.config, stream, iterator->stream_arn, record);
  }
  w.EndArray();
  if (!vanished && (!shard.closed || !end)) {
    ShardIterator next = *iterator;
    if (!records.empty()) {
      const storage::StreamRecord& last = records.back();
      // (op numbers stay far below the 5 digits of a sequence number: a commit has <= 100 ops)
      next.position = {last.ts, last.op + 1};
    }
    // At the end, every commit up to `now` has been seen (all were visible to the read): the
    // next call starts past them, so that an idle reader's position keeps up with the retention.
    const uint64_t seen = std::min(now, shard.through_ts) + 1;
    if (end && next.position.ts < seen) next.position = {seen, 0};
    next.issued_ms = now_ms;
    w.Key("NextShardIterator");
    json::WriteString(w, EncodeShardIterator(next));
  }
  return response.Finish();
}

}  // namespace tideline::api
