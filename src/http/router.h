#pragma once
// What DynamoDB answers to a parsed HTTP request, before and around the JSON protocol. Transport
// free like the dispatcher. In order:
//   1. Host: when the server is bound to a loopback address, only loopback names are accepted
//      (localhost, *.localhost, 127.x.x.x, [::1], with or without a port; no Host at all is
//      accepted too): anything else is 403 AccessDeniedException. A web page that rebinds its
//      own DNS name to 127.0.0.1 still sends its own name, so it is refused (DNS rebinding).
//   2. Origin (browsers): allowed only for the --cors-origin origins (or any with "*"). An
//      allowed origin gets Access-Control-Allow-Origin (and OPTIONS is a CORS preflight: 200,
//      empty body, the requested headers/method echoed, Max-Age 172800, as DynamoDB answers).
//      Any other origin gets no CORS headers: a preflight is 403 with an empty body and any
//      other request is 403 AccessDeniedException, unexecuted. By default no origin is allowed.
//      A page of the server's own console (same origin: Origin is http(s)://<Host>) passes
//      without CORS headers when its Host is a loopback name or an IP address, or with
//      --credentials: a name that DNS rebinding could point here gets the CORS rule.
//   3. GET / without text/html in Accept: 200 "healthy: <Host> " (trailing space included;
//      DynamoDB names the host the client asked for; without a Host header,
//      dynamodb.<region>.amazonaws.com). GET / asking for text/html (a browser) is the web
//      console's page, GET /console/<file> its files (console/assets.h). GET on another path:
//      404, as DynamoDB answers any other path.
//   4. any other method but POST, or a non-empty body whose media type is neither
//      application/json nor application/x-amz-json-1.0: 404 "<UnknownOperationException/>\n".
//   5. POST: with --credentials, the SigV4 signature over the body bytes as received
//      (auth/authenticator.h); its errors are DynamoDB's 400s.
//   6. Dispatch(); the response Content-Type is application/x-amz-json-1.0 when the request
//      used it and application/json otherwise. The path is ignored, as DynamoDB does.
// Every answer leaves Handle() stamped with the storage point it must wait for (durable_at):
// the one exit every API answer passes, whatever the listener.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "http/dispatcher.h"
#include "http/request_parser.h"
#include "storage/storage.h"

namespace tideline::http {

struct Reply {
  int status = 200;
  std::string_view content_type;  // static storage; empty = no Content-Type header
  std::string body;
  std::string extra_headers;  // complete "Name: value\r\n" lines (CORS)
  // x-amzn-RequestId: made when the request is routed, so that the log lines of its internal
  // errors and its response name it alike.
  std::string request_id;
  // Storage's Fence() after the operation ran: the answer may tell of any write it covers (the
  // request's own, or another's that a read saw), so it must not leave before
  // Storage::WhenDurable(durable_at) has completed. Zero: nothing to wait for.
  storage::DurablePoint durable_at;

  void Clear() {
    status = 200;
    durable_at = {};
    content_type = {};
    body.clear();
    extra_headers.clear();
  }
};

inline constexpr std::string_view kAmzJson = "application/x-amz-json-1.0";
inline constexpr std::string_view kJson = "application/json";

class Router {
 public:
  // Reads the Host and CORS policy from ctx.config and the authenticator from ctx. With
  // per-key account ids (auth::Authenticator::accounts()), requests signed with such a key run
  // with a copy of ctx whose config names that account, so the ARNs they see carry it.
  Router(api::Context& ctx, OperationLookup lookup);
  ~Router();

  // Fills *reply (cleared first) for `request`, and its durable_at. Never throws on client
  // input. The caller sends the reply only once durable_at is durable.
  void Handle(const Request& request, Reply* reply) const;

  // For the transport, once a request's headers are in and before its body is read: fills
  // *reply and returns true if the request is refused whatever its body (a Host or Origin
  // refused, or with --credentials an authentication error that needs no body: no or a
  // malformed signature, a stale date, another region, an unknown key). The connection can
  // then skip the body instead of buffering it. Screen() decides for both.
  bool RefuseBeforeBody(const Request& request, Reply* reply) const;

 private:
  enum class Verdict {
    kAnswered,   // *reply is the whole answer: a refusal, a health check, a CORS preflight
    kDispatch,   // dispatch the request in *ctx
    kUndecided,  // (body not read) what remains needs the body
  };
  // Steps 1 to 5 of the class comment, in order: the one place that decides whether a request
  // is answered without dispatch. With !body_read (RefuseBeforeBody) it decides only what
  // holds whatever the body: Host, Origin and, for a POST of JSON, every check of the
  // signature but the signature itself; it leaves to Handle the rest, including the 404s, so
  // that they keep the connection open.
  Verdict Screen(const Request& request, bool body_read, Reply* reply, api::Context** ctx) const;
  // Step 3: GET / is the health check or the console, /console/<file> its files, else 404.
  void AnswerGet(const Request& request, Reply* reply) const;
  // Adds the CORS headers for an allowed Origin; answers a preflight or refuses a request from
  // another origin. Returns true when *reply is complete.
  bool HandleOrigin(const Request& request, Reply* reply) const;
  // The context to run `request` in, or nullptr after writing the authentication error.
  api::Context* Authenticate(const Request& request, std::string_view content_type, Reply* reply,
                             bool before_body = false) const;
  // Handle without the durable point. Returns the microseconds the operation took (Dispatch's
  // figure; 0 for a request refused before it reached an operation).
  uint64_t Route(const Request& request, Reply* reply) const;
  // Steps 1 and 2 of Handle: true when *reply is complete.
  bool RefuseHostOrOrigin(const Request& request, Reply* reply) const;

  api::Context& ctx_;
  OperationLookup lookup_;
  std::string default_host_;  // dynamodb.<region>.amazonaws.com
  bool loopback_only_;
  bool any_origin_ = false;
  std::vector<std::string> origins_;
  std::vector<std::unique_ptr<api::ServerConfig>> account_configs_;
  std::vector<std::unique_ptr<api::Context>> account_contexts_;
};

// The media type of a Content-Type value: the part before ';', spaces and tabs trimmed.
std::string_view MediaType(std::string_view content_type);
// Whether a Host header value names the loopback interface: localhost, *.localhost,
// 127.x.x.x or [::1], with an optional port.
bool IsLoopbackHost(std::string_view host);
// Whether `origin` (an Origin header) is http:// or https:// followed by `host` (a Host header),
// compared case-insensitively: a page served by this server, under the name it was asked by.
bool IsSameOrigin(std::string_view origin, std::string_view host);
// Whether the listening address (--host) is a loopback one.
bool IsLoopbackBind(const std::string& host);

}  // namespace tideline::http
