#include "http/router.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>
#include <chrono>
#include <vector>

#include "auth/authenticator.h"
#include "common/api_error.h"
#include "console/assets.h"
#include "http/content_encoding.h"
#include "http/request_log.h"
#include "http/wire.h"

namespace tideline::http {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view kNotFound = "<UnknownOperationException/>\n";

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return boost::beast::iequals(boost::beast::string_view(a.data(), a.size()),
                               boost::beast::string_view(b.data(), b.size()));
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

// Characters a Host may have that are safe to echo in the health line.
bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
}

// A browser asking for a page lists text/html in Accept; health checkers (load balancers, curl,
// the SDKs' endpoint probes) do not, and keep getting DynamoDB's health line.
bool WantsHtml(const Request& request) {
  const Request::HeaderRef* accept = request.FindHeader("accept");
  return accept != nullptr &&
         request.HeaderValue(*accept).find("text/html") != std::string_view::npos;
}

bool IsIpLiteralHost(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;  // an IPv6 literal: no DNS name to rebind
  std::string_view name = host.substr(0, host.find(':'));
  boost::system::error_code ec;
  boost::asio::ip::make_address_v4(std::string(name), ec);
  return !ec;
}

void AppendError(const ApiError& e, std::string_view content_type, Reply* reply) {
  reply->status = e.http_status();
  reply->content_type = content_type;
  reply->body = ErrorBody(e);
}

}  // namespace

std::string_view MediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  return media;
}

bool IsLoopbackHost(std::string_view host) {
  std::string_view name = host;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    name = host.substr(1, close - 1);
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (!IsDigits(port)) return false;
    }
    boost::system::error_code ec;
    const auto v6 = boost::asio::ip::make_address_v6(std::string(name), ec);
    return !ec && v6.is_loopback();
  }
  const size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    name = host.substr(0, colon);
    port = host.substr(colon + 1);
    if (!IsDigits(port)) return false;
  }
  if (name.empty()) return false;
  // Browsers resolve localhost and *.localhost to loopback themselves, never through DNS
  // (RFC 6761), so these names cannot be rebound.
  if (EqualsIgnoreCase(name, "localhost") || EndsWithIgnoreCase(name, ".localhost")) {
    return true;
  }
  boost::system::error_code ec;
  const auto v4 = boost::asio::ip::make_address_v4(std::string(name), ec);
  return !ec && v4.is_loopback();
}

bool IsSameOrigin(std::string_view origin, std::string_view host) {
  std::string_view rest = origin;
  if (rest.substr(0, 7) == "http://") {
    rest.remove_prefix(7);
  } else if (rest.substr(0, 8) == "https://") {
    rest.remove_prefix(8);
  } else {
    return false;
  }
  return !host.empty() && EqualsIgnoreCase(rest, host);
}

bool IsLoopbackBind(const std::string& host) {
  if (EqualsIgnoreCase(host, "localhost")) return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

Router::Router(api::Context& ctx, OperationLookup lookup)
    : ctx_(ctx),
      lookup_(lookup),
      default_host_("dynamodb." + ctx.config.region + ".amazonaws.com"),
      loopback_only_(IsLoopbackBind(ctx.config.host)) {
  for (const std::string& origin : ctx.config.cors_origins) {
    if (origin == "*") any_origin_ = true;
    origins_.push_back(origin);
  }
  if (ctx.authenticator != nullptr) {
    for (const std::string& account : ctx.authenticator->accounts()) {
      auto config = std::make_unique<api::ServerConfig>(ctx.config);
      config->account_id = account;
      account_contexts_.push_back(std::make_unique<api::Context>(
          api::Context{*config, ctx.storage, ctx.exports, ctx.restores, ctx.authenticator,
                       ctx.imports, ctx.verifications}));
      account_configs_.push_back(std::move(config));
    }
  }
}

Router::~Router() = default;

bool Router::HandleOrigin(const Request& request, Reply* reply) const {
  const std::string_view origin = request.origin;
  const bool allowed =
      any_origin_ || std::any_of(origins_.begin(), origins_.end(),
                                 [&](const std::string& o) { return EqualsIgnoreCase(o, origin); });
  const bool preflight = request.method == bhttp::verb::options;
  if (!allowed) {
    // No CORS headers: the browser keeps the answer from the page. A request that needed no
    // preflight (or an old browser) is refused here too, before it can have any effect.
    reply->status = 403;
    if (!preflight) {
      AppendError(
          ApiError::Forbidden("Cross-origin requests are not allowed from this origin; start the "
                              "server with --cors-origin to allow one"),
          kJson, reply);
    }
    return true;
  }
  if (any_origin_) {
    reply->extra_headers.append("Access-Control-Allow-Origin: *\r\n");
  } else {
    reply->extra_headers.append("Access-Control-Allow-Origin: ");
    reply->extra_headers.append(origin);
    reply->extra_headers.append("\r\nVary: Origin\r\n");
  }
  reply->extra_headers.append(
      "Access-Control-Expose-Headers: x-amzn-RequestId,x-amzn-ErrorType,x-amz-crc32,Date\r\n");
  if (!preflight) return false;
  if (!request.cors_request_headers.empty()) {
    reply->extra_headers.append("Access-Control-Allow-Headers: ");
    reply->extra_headers.append(request.cors_request_headers);
    reply->extra_headers.append("\r\n");
  }
  if (!request.cors_request_method.empty()) {
    reply->extra_headers.append("Access-Control-Allow-Methods: ");
    reply->extra_headers.append(request.cors_request_method);
    reply->extra_headers.append("\r\n");
  }
  reply->extra_headers.append("Access-Control-Max-Age: 172800\r\n");
  return true;
}

api::Context* Router::Authenticate(const Request& request, std::string_view content_type,
                                   Reply* reply, bool before_body) const {
  const auth::Authenticator* authenticator = ctx_.authenticator;
  if (authenticator == nullptr) return &ctx_;
  // Views of the headers for the check; the vector keeps its capacity across requests.
  thread_local std::vector<auth::HeaderView> headers;
  headers.clear();
  for (const Request::HeaderRef& h : request.headers) {
    headers.push_back({request.HeaderName(h), request.HeaderValue(h)});
  }
  const auto method = bhttp::to_string(request.method);
  const auth::RequestView view{std::string_view(method.data(), method.size()), request.target,
                               headers, request.body};
  try {
    if (before_body) {
      authenticator->CheckBeforeBody(view, std::chrono::system_clock::now());
      return &ctx_;
    }
    const auth::Identity& who = authenticator->Authenticate(view, std::chrono::system_clock::now());
    return who.account < 0 ? &ctx_ : account_contexts_[static_cast<size_t>(who.account)].get();
  } catch (const ApiError& e) {
    AppendError(e, content_type, reply);
    return nullptr;
  }
}

bool Router::RefuseHostOrOrigin(const Request& request, Reply* reply) const {
  const Request::HeaderRef* host = request.FindHeader("host");
  if (loopback_only_ && host != nullptr && !IsLoopbackHost(request.HeaderValue(*host))) {
    AppendError(ApiError::Forbidden("The Host header names no loopback address; a server "
                                    "listening on a loopback address answers only localhost, "
                                    "127.x.x.x and [::1]"),
                kJson, reply);
    return true;
  }
  if (!request.has_origin) return false;
  // The console's own requests: a page served by this server calling it back. Its origin is
  // trusted only where the name cannot have been rebound to this server by someone else's DNS:
  // a loopback name (the Host rule above already holds), an IP address, or with --credentials,
  // where a page of another site could not sign anyway (docs/console.md).
  if (host != nullptr) {
    const std::string_view host_value = request.HeaderValue(*host);
    if (IsSameOrigin(request.origin, host_value) &&
        (IsLoopbackHost(host_value) || IsIpLiteralHost(host_value) ||
         ctx_.authenticator != nullptr)) {
      return false;
    }
  }
  return HandleOrigin(request, reply);
}

Router::Verdict Router::Screen(const Request& request, bool body_read, Reply* reply,
                               api::Context** ctx) const {
  if (RefuseHostOrOrigin(request, reply)) return Verdict::kAnswered;
  if (request.method == bhttp::verb::get) {
    if (!body_read) return Verdict::kUndecided;
    AnswerGet(request, reply);
    return Verdict::kAnswered;
  }
  const std::string_view media = MediaType(request.content_type);
  const bool json_media = media == kJson || media == kAmzJson;
  if (request.method != bhttp::verb::post || (!json_media && !request.body.empty())) {
    // Not refused before the body: the connection stays open for the next request.
    if (!body_read) return Verdict::kUndecided;
    reply->status = 404;
    reply->body = kNotFound;
    return Verdict::kAnswered;
  }
  // A POST whose body is not read yet may still turn out empty (and so be accepted whatever
  // its media type): only one of JSON is checked now.
  if (!body_read && !json_media) return Verdict::kUndecided;
  reply->content_type = media == kAmzJson ? kAmzJson : kJson;
  // The signature covers the body bytes as they arrived, so it is checked before anything
  // reads or transforms the body.
  *ctx = Authenticate(request, reply->content_type, reply, /*before_body=*/!body_read);
  if (*ctx == nullptr) return Verdict::kAnswered;
  return body_read ? Verdict::kDispatch : Verdict::kUndecided;
}

bool Router::RefuseBeforeBody(const Request& request, Reply* reply) const {
  reply->Clear();
  api::Context* ctx = nullptr;
  if (Screen(request, /*body_read=*/false, reply, &ctx) == Verdict::kAnswered &&
      reply->status >= 400) {
    return true;
  }
  reply->Clear();  // an allowed preflight or a request that passed: Handle() answers it
  return false;
}

void Router::AnswerGet(const Request& request, Reply* reply) const {
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  if (path != "/" || WantsHtml(request)) {
    const console::Asset* asset = console::FindAsset(path);
    if (asset == nullptr) {
      reply->status = 404;
      reply->body = kNotFound;
      return;
    }
    reply->content_type = asset->content_type;
    reply->body.assign(asset->bytes);
    // The files change with the binary: a browser revalidates rather than keep an old console.
    reply->extra_headers.append("Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n");
    return;
  }
  const Request::HeaderRef* host = request.FindHeader("host");
  std::string_view name = host == nullptr ? std::string_view() : request.HeaderValue(*host);
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsHostChar)) name = default_host_;
  reply->body.append("healthy: ").append(name).push_back(' ');
}

void Router::Handle(const Request& request, Reply* reply) const {
  const uint64_t micros = Route(request, reply);
  // Requests of the API (and every refusal); a browser's GET of the console logs nothing.
  if (WantsRequestLine(reply->status) && (!request.amz_target.empty() || reply->status >= 400)) {
    LogRequest({reply->request_id, request.amz_target, request.body, reply->status, reply->body,
                static_cast<double>(micros) / 1000.0});
  }
  // Taken after the operation: covers its writes and every write its reads may have seen.
  reply->durable_at = ctx_.storage.Fence();
}

uint64_t Router::Route(const Request& request, Reply* reply) const {
  reply->Clear();
  reply->request_id.resize(kRequestIdLength);
  NewRequestId(reply->request_id.data());
  api::Context* ctx = nullptr;
  if (Screen(request, /*body_read=*/true, reply, &ctx) != Verdict::kDispatch) return 0;
  std::string decoded;  // the body without its Content-Encoding, when it has one
  std::string_view body;
  if (!DecodeRequestBody(request, &decoded, &body, reply)) return 0;
  DispatchResult result = Dispatch(*ctx, request.amz_target, body, lookup_, reply->request_id);
  reply->status = result.status;
  reply->body = std::move(result.body);
  return result.micros;
}

}  // namespace tideline::http
