#pragma once
// What DynamoDB answers to a parsed HTTP request, before and around the JSON protocol. Transport
// free like the dispatcher. The rules follow DynamoDB as dynalite's connection tests record it:
//   - Origin header present: every answer gets Access-Control-Allow-Origin: *, and OPTIONS is a
//     CORS preflight (200, empty body, the requested headers/method echoed, Max-Age 172800).
//   - GET (any path): 200 "healthy: dynamodb.<region>.amazonaws.com " (trailing space included).
//   - any other method but POST, or a non-empty body whose media type is neither
//     application/json nor application/x-amz-json-1.0: 404 "<UnknownOperationException/>\n".
//   - POST: Dispatch(); the response Content-Type is application/x-amz-json-1.0 when the request
//     used it and application/json otherwise. The path is ignored, as DynamoDB does.

#include <string>
#include <string_view>

#include "api/context.h"
#include "http/dispatcher.h"
#include "http/request_parser.h"

namespace tideline::http {

struct Reply {
  int status = 200;
  std::string_view content_type;  // static storage; empty = no Content-Type header
  std::string body;
  std::string extra_headers;  // complete "Name: value\r\n" lines (CORS)

  void Clear() {
    status = 200;
    content_type = {};
    body.clear();
    extra_headers.clear();
  }
};

inline constexpr std::string_view kAmzJson = "application/x-amz-json-1.0";
inline constexpr std::string_view kJson = "application/json";

class Router {
 public:
  Router(api::Context& ctx, OperationLookup lookup);

  // Fills *reply (cleared first) for `request`. Never throws on client input.
  void Handle(const Request& request, Reply* reply) const;

 private:
  api::Context& ctx_;
  OperationLookup lookup_;
  std::string health_body_;
};

// The media type of a Content-Type value: the part before ';', spaces and tabs trimmed.
std::string_view MediaType(std::string_view content_type);

}  // namespace tideline::http
