#include "api/status_error.h"

namespace tideline::api {

ApiError StatusError(const Status& s) {
  if (s.IsUnavailable()) return ApiError::ServiceUnavailable(s.message());
  // A table deleted while a write to it was being prepared (Storage::Write).
  if (s.IsNotFound()) return ApiError::ResourceNotFound("Requested resource not found");
  return ApiError::Internal(s.ToString());
}

}  // namespace tideline::api
