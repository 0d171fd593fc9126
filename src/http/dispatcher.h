#pragma once
// The transport-free heart of the server: one DynamoDB JSON request in, one status + body out.
// No sockets, no headers beyond X-Amz-Target; unit-testable on its own.
//
// Order of checks, as DynamoDB (and dynalite, which pins it) answers them:
//   1. a non-empty body that is not JSON, or that repeats a key in one object
//                                                    -> 400 SerializationException
//   2. X-Amz-Target not "DynamoDB_20120810.<Op>" (or "DynamoDBStreams_20120810.<Op>" of the
//      Streams API, or "TidelineConsole_20261203.<Op>" of the web console's read-only
//      operations, api/console_operations.h) for an operation Tideline knows
//                                                    -> 400 UnknownOperationException
//   3. an empty body, or JSON that is not an object   -> 400 SerializationException
//   4. the operation; an ApiError it throws becomes its status and DynamoDB error body; any other
//      exception becomes 500 InternalServerError.
//
// Internal errors (ApiError::Internal, any other exception) answer the generic
// {"__type":"...#InternalServerError","message":"Internal server error"}: their detail (a RocksDB
// text, a file name) is written once to the log at error level, with the request id and the
// operation, and never reaches the client. docs/errors.md describes the whole boundary.
//
// Error bodies: {"__type":"com.amazonaws.dynamodb.v20120810#<Type>"[,<extra_json>],
// "message":"..."}, for every error and always with a message (docs/wire-protocol.md says how
// that differs from real DynamoDB's Coral namespaces, and why SDKs read both the same).

#include <cstdint>
#include <string>
#include <string_view>

#include "api/context.h"
#include "api/operations.h"
#include "common/api_error.h"

namespace tideline::http {

struct DispatchResult {
  int status;
  std::string body;
  uint64_t micros = 0;  // the time the operation took (the per-operation metrics' figure)
};

// Maps an operation name (the part of X-Amz-Target after the dot) to its handler; nullptr if
// unknown. Production uses api::FindOperation; tests pass a table of their own.
using OperationLookup = api::Operation (*)(std::string_view name);

// Runs one request. Never throws. `request_id` is the id the response will carry in
// x-amzn-RequestId; it names the request in the log line of an internal error.
DispatchResult Dispatch(api::Context& ctx, std::string_view target_header, std::string_view body);
DispatchResult Dispatch(api::Context& ctx, std::string_view target_header, std::string_view body,
                        OperationLookup lookup, std::string_view request_id = {});

// The DynamoDB error body for `error` (see above). Exposed for the transport's own errors
// (e.g. 413 before a body is read).
std::string ErrorBody(const ApiError& error);

}  // namespace tideline::http
