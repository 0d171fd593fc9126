#include "api/status_error.h"

namespace tideline::api {

ApiError StatusError(const Status& s) {
  switch (s.code()) {
    case Status::Code::kUnavailable:
      return ApiError::ServiceUnavailable(s.message());
    case Status::Code::kNotFound:
      return ApiError::ResourceNotFound("Requested resource not found");
    case Status::Code::kBusy:
      return ApiError::TransactionConflict(kTransactionConflictMessage);
    case Status::Code::kLimitExceeded:
      return ApiError::ItemCollectionSizeLimitExceeded(kCollectionSizeExceededMessage);
    default:
      return ApiError::Internal(s.ToString());
  }
}

}  // namespace tideline::api
