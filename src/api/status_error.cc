#include "api/status_error.h"

namespace tideline::api {

ApiError StatusError(const Status& s) {
  if (s.IsUnavailable()) return ApiError::ServiceUnavailable(s.message());
  return ApiError::Internal(s.ToString());
}

}  // namespace tideline::api
