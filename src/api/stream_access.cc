#include "api/stream_access.h"

#include "api/status_error.h"
#include "api/stream_ids.h"
#include "storage/storage.h"

namespace tideline::api {

void CheckLength(std::string_view value, std::string_view path, size_t min, size_t max,
                 ValidationErrors* errors) {
  if (value.size() < min) {
    errors->Add(ValidationErrors::Quote(value), path,
                "Member must have length greater than or equal to " + std::to_string(min));
  } else if (value.size() > max) {
    errors->Add(ValidationErrors::Quote(value), path,
                "Member must have length less than or equal to " + std::to_string(max));
  }
}

void CheckRange(int64_t value, std::string_view path, int64_t min, int64_t max,
                ValidationErrors* errors) {
  if (value < min) {
    errors->Add("'" + std::to_string(value) + "'", path,
                "Member must have value greater than or equal to " + std::to_string(min));
  } else if (value > max) {
    errors->Add("'" + std::to_string(value) + "'", path,
                "Member must have value less than or equal to " + std::to_string(max));
  }
}

void CheckStreamArnForm(Context& ctx, std::string_view arn) {
  bool foreign = false;
  if (!ParseStreamArn(ctx.config, arn, &foreign)) {
    // AWS answers a malformed stream ARN with a ValidationException (ScyllaDB
    // test_describe_nonexistent_stream, run against AWS); its wording is not known.
    throw ApiError::Validation("Invalid StreamArn: " + std::string(arn));
  }
}

storage::StreamDescriptor FindStreamOrThrow(Context& ctx, std::string_view arn) {
  CheckStreamArnForm(ctx, arn);
  bool foreign = false;
  auto parsed = ParseStreamArn(ctx.config, arn, &foreign);
  const std::string not_found =
      "Requested resource not found: Stream: " + std::string(arn) + " not found";
  if (foreign) throw ApiError::ResourceNotFound(not_found);
  storage::StreamDescriptor stream;
  Status s = ctx.storage.FindStream(parsed->table_name, parsed->label, &stream);
  if (s.IsNotFound()) throw ApiError::ResourceNotFound(not_found);
  if (!s.ok()) throw StatusError(s);
  return stream;
}

uint64_t TrimHorizonTs(uint64_t now) {
  return now > storage::kStreamRetentionMicros ? now - storage::kStreamRetentionMicros : 0;
}

uint64_t TrimHorizonTs(Context& ctx) { return TrimHorizonTs(ctx.storage.Now()); }

bool PositionTrimmed(uint64_t position_ts, uint64_t shard_after_ts, uint64_t trim_horizon_ts) {
  if (trim_horizon_ts <= storage::kStreamTrimSlackMicros) return false;
  const uint64_t trimmed_before = trim_horizon_ts - storage::kStreamTrimSlackMicros;
  return position_ts < trimmed_before && shard_after_ts < trimmed_before;
}

ApiError ExpiredIterator(std::string message) {
  return ApiError(400, "ExpiredIteratorException", std::move(message));
}

ApiError TrimmedDataAccess() {
  // AWS's message (ironSource/node-dynamodb-stream#13).
  return ApiError(400, "TrimmedDataAccessException",
                  "The data you are trying to access has been trimmed");
}

}  // namespace tideline::api
