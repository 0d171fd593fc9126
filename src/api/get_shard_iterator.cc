// GetShardIterator (DynamoDB Streams API): an iterator into one shard (stream_shards.h) at
// TRIM_HORIZON (the shard's oldest record kept), LATEST (just after its newest: past its end
// for a closed shard), AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER. It is valid for 15 minutes
// (stream_ids.h).

#include "api/operations.h"
#include "api/response_body.h"
#include "api/stream_access.h"
#include "api/stream_ids.h"
#include "api/stream_shards.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteGetShardIterator(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "StreamArn");
  auto shard_id = OptString(req, "ShardId");
  auto type = OptString(req, "ShardIteratorType");
  auto sequence = OptString(req, "SequenceNumber");
  ValidationErrors errors;
  if (!arn)
    errors.AddNull("streamArn");
  else
    CheckLength(*arn, "streamArn", 37, 1024, &errors);
  if (!shard_id)
    errors.AddNull("shardId");
  else
    CheckLength(*shard_id, "shardId", 28, 65, &errors);
  if (!type) {
    errors.AddNull("shardIteratorType");
  } else if (*type != "TRIM_HORIZON" && *type != "LATEST" && *type != "AT_SEQUENCE_NUMBER" &&
             *type != "AFTER_SEQUENCE_NUMBER") {
    errors.Add(ValidationErrors::Quote(*type), "shardIteratorType",
               "Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, "
               "AFTER_SEQUENCE_NUMBER]");
  }
  if (sequence) CheckLength(*sequence, "sequenceNumber", 21, 40, &errors);
  errors.ThrowIfAny();
  const bool at_sequence = *type == "AT_SEQUENCE_NUMBER" || *type == "AFTER_SEQUENCE_NUMBER";
  // AWS refuses both mismatches with a ValidationException (ScyllaDB test_get_shard_iterator,
  // run against AWS); the wording is Tideline's.
  if (at_sequence && !sequence) {
    throw ApiError::Validation("SequenceNumber is required for ShardIteratorType " +
                               std::string(*type));
  }
  if (!at_sequence && sequence) {
    throw ApiError::Validation("SequenceNumber must not be given with ShardIteratorType " +
                               std::string(*type));
  }
  std::optional<storage::StreamPosition> position;
  if (sequence) {
    position = ParseSequenceNumber(*sequence);
    if (!position) {
      throw ApiError::Validation("Invalid SequenceNumber: " + std::string(*sequence) +
                                 " is not a number");
    }
  }
  const storage::StreamDescriptor stream = FindStreamOrThrow(ctx, *arn);
  const uint64_t now = ctx.storage.Now();
  const uint64_t horizon = TrimHorizonTs(now);
  const StreamShards shards(stream, now, horizon);
  const std::optional<uint64_t> index = shards.Find(*shard_id);
  if (!index) {
    // The wording seen in a client's test [2ND]; AWS's own is not confirmed.
    throw ApiError::ResourceNotFound("Requested resource not found: Shard does not exist");
  }
  // A shard past the retention: its records are gone.
  if (*index < shards.first()) throw TrimmedDataAccess();
  const ShardSpan shard = shards.Span(*index);
  storage::StreamPosition at;
  if (*type == "TRIM_HORIZON") {
    at.ts = std::max(shard.after_ts + 1, horizon);
  } else if (*type == "LATEST") {
    // Every commit up to `now` has its records written: the iterator reads what comes after
    // (nothing, for a closed shard).
    at.ts = (shard.closed ? shard.through_ts : now) + 1;
  } else {
    at = *position;
    if (*type == "AFTER_SEQUENCE_NUMBER") {
      if (at.op < kLastSequenceOp) {
        ++at.op;
      } else if (at.ts != UINT64_MAX) {
        ++at.ts;
        at.op = 0;
      }
    }
    if (PositionTrimmed(at.ts, shard.after_ts, horizon)) throw TrimmedDataAccess();
  }
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ShardIterator");
  json::WriteString(w, EncodeShardIterator({std::string(*arn), *index, at, NowMillis()}));
  return response.Finish();
}

}  // namespace tideline::api
