#pragma once
// The log line of one request (issue: a terminal that says what happens). At debug, every
// request: operation, table, HTTP status, time spent handling it and its request id (the
// x-amzn-RequestId the client saw). A failed request gets its line whatever the level: a
// client's error (4xx) at warn, the server's (5xx) at error, each with DynamoDB's error type and
// message, so that one grep of a request id from a client's stack trace finds it.
//
//   debug request 7Q2V... PutItem Music 200 0.084 ms
//   warn  request 7Q2V... PutItem Music 400 ValidationException: One or more parameter values...
//
// The time is that of running the operation (the figure of the per-operation metrics), not of
// the network or of the wait for the WAL write that precedes the answer; 0 for a request refused
// before it reached one.

#include <string_view>

namespace tideline::http {

struct RequestOutcome {
  std::string_view request_id;
  std::string_view amz_target;  // X-Amz-Target as received (may be empty or anything)
  std::string_view body;        // the request body, for its TableName (may be compressed)
  int status = 0;
  std::string_view reply_body;  // the answer, for an error's type and message
  double millis = 0;
};

// Whether LogRequest would write a line for a request answered with `status` (the caller skips
// the work of filling an outcome otherwise: a successful request at info costs nothing more).
bool WantsRequestLine(int status);

void LogRequest(const RequestOutcome& outcome);

}  // namespace tideline::http
