#pragma once
// The one boundary between storage's Status and the client's error: every operation that gets a
// non-OK Status it cannot handle itself throws StatusError(s).
//   Unavailable (disk full, storage recovering from a background error)
//       -> 503 ServiceUnavailable with the Status message, which storage keeps free of paths;
//          every AWS SDK retries it with back-off.
//   NotFound (the table was deleted while the operation ran)
//       -> 400 ResourceNotFoundException "Requested resource not found", as for a table that
//          was never there.
//   Busy (an item write met an item of an ongoing transaction, storage/key_locks.h)
//       -> 400 TransactionConflictException "Transaction is ongoing for the item".
//          (TransactWriteItems turns Busy into a TransactionConflict cancellation reason
//          instead.)
//   LimitExceeded (a write would grow an LSI item collection past its limit)
//       -> 400 ItemCollectionSizeLimitExceededException "Collection size exceeded."
//          (TransactWriteItems turns it into ItemCollectionSizeLimitExceeded cancellation
//          reasons instead.)
//   anything else -> 500 InternalServerError with a generic message; the Status text goes to
//       the log only (see ApiError::Internal).

#include "common/api_error.h"
#include "common/status.h"

namespace tideline::api {

// DynamoDB's message for an item held by an ongoing transaction, both as the message of a
// TransactionConflictException and of a TransactionConflict cancellation reason (AWS API
// reference, TransactionCanceledException: "Message: Transaction is ongoing for the item.";
// clients log it without the period, as for "The conditional request failed").
inline constexpr const char* kTransactionConflictMessage = "Transaction is ongoing for the item";

// DynamoDB's message for an item collection over 10 GB, as an exception and as a cancellation
// reason (developer guide, "Error handling": ItemCollectionSizeLimitExceededException, "Message:
// Collection size exceeded."; spec indexes.md §3.7).
inline constexpr const char* kCollectionSizeExceededMessage = "Collection size exceeded.";

ApiError StatusError(const Status& s);

}  // namespace tideline::api
