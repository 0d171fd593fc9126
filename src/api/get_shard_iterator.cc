// GetShardIterator (DynamoDB Streams API): an iterator at TRIM_HORIZON (the oldest record
// kept), LATEST (just after the newest), AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER. It is
// valid for 15 minutes (stream_ids.h).

#include "api/operations.h"
#include "api/response_body.h"
#include "api/stream_access.h"
#include "api/stream_ids.h"
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
  if (*shard_id != ShardIdOf(stream)) {
    // The wording seen in a client's test [2ND]; AWS's own is not confirmed.
    throw ApiError::ResourceNotFound("Requested resource not found: Shard does not exist");
  }
  const uint64_t horizon = TrimHorizonTs(ctx);
  storage::StreamPosition at;
  if (*type == "TRIM_HORIZON") {
    at.ts = std::max(stream.start_ts + 1, horizon);
  } else if (*type == "LATEST") {
    // Every commit up to Now() has its records written: the iterator reads what comes after.
    at.ts = (stream.enabled() ? ctx.storage.Now() : stream.end_ts) + 1;
  } else {
    at = *position;
    if (*type == "AFTER_SEQUENCE_NUMBER") {
      if (at.op + 1 < 100000) {
        ++at.op;
      } else if (at.ts != UINT64_MAX) {
        ++at.ts;
        at.op = 0;
      }
    }
    if (at.ts < horizon && stream.start_ts < horizon) throw TrimmedDataAccess();
  }
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ShardIterator");
  json::WriteString(w, EncodeShardIterator({std::string(*arn), at, NowMillis()}));
  return response.Finish();
}

}  // namespace tideline::api
