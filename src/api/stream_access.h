#pragma once
// What the DynamoDB Streams operations share: the checks of their members (the service model's
// constraints), finding the stream an ARN names, the trim horizon, and the Streams errors.

#include <optional>
#include <string>
#include <string_view>

#include "api/context.h"
#include "api/request.h"
#include "common/api_error.h"
#include "storage/stream_log.h"

namespace tideline::api {

// A string member's length against the model's bounds, added to *errors as DynamoDB words it.
void CheckLength(std::string_view value, std::string_view path, size_t min, size_t max,
                 ValidationErrors* errors);
// An integer member's bounds (Limit), likewise.
void CheckRange(int64_t value, std::string_view path, int64_t min, int64_t max,
                ValidationErrors* errors);

// The stream `arn` names. ValidationException when it is not a stream ARN (AWS's wording is not
// known: Tideline's own); ResourceNotFoundException "Requested resource not found: Stream: <arn>
// not found" (AWS's, LocalStack snapshot) when no such stream is kept.
storage::StreamDescriptor FindStreamOrThrow(Context& ctx, std::string_view arn);
// Only the form: ValidationException when `arn` is not a stream ARN.
void CheckStreamArnForm(Context& ctx, std::string_view arn);

// Records committed before this time are trimmed (24 h before `now`, or before Now()).
uint64_t TrimHorizonTs(uint64_t now);
uint64_t TrimHorizonTs(Context& ctx);
// Whether records of a shard starting after `shard_after_ts` may have been trimmed from
// `position_ts` on: storage trims only a slack behind the horizon (stream_log.h).
bool PositionTrimmed(uint64_t position_ts, uint64_t shard_after_ts, uint64_t trim_horizon_ts);

ApiError ExpiredIterator(std::string message);
ApiError TrimmedDataAccess();

}  // namespace tideline::api
