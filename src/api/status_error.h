#pragma once
// The one boundary between storage's Status and the client's error: every operation that gets a
// non-OK Status it cannot handle itself throws StatusError(s).
//   Unavailable (disk full, storage recovering from a background error)
//       -> 503 ServiceUnavailable with the Status message, which storage keeps free of paths;
//          every AWS SDK retries it with back-off.
//   anything else -> 500 InternalServerError with a generic message; the Status text goes to
//       the log only (see ApiError::Internal).

#include "common/api_error.h"
#include "common/status.h"

namespace tideline::api {

ApiError StatusError(const Status& s);

}  // namespace tideline::api
