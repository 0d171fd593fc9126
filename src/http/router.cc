#include "http/router.h"

#include "http/content_encoding.h"

namespace tideline::http {

namespace bhttp = boost::beast::http;

std::string_view MediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  return media;
}

Router::Router(api::Context& ctx, OperationLookup lookup)
    : ctx_(ctx),
      lookup_(lookup),
      health_body_("healthy: dynamodb." + ctx.config.region + ".amazonaws.com ") {}

void Router::Handle(const Request& request, Reply* reply) const {
  reply->Clear();
  if (request.has_origin) {
    reply->extra_headers.append(
        "Access-Control-Allow-Origin: *\r\n"
        "Access-Control-Expose-Headers: x-amzn-RequestId,x-amzn-ErrorType,x-amz-crc32,Date\r\n");
    if (request.method == bhttp::verb::options) {
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
      return;
    }
  }
  if (request.method == bhttp::verb::get) {
    reply->body = health_body_;
    return;
  }
  const std::string_view media = MediaType(request.content_type);
  if (request.method != bhttp::verb::post ||
      (!request.body.empty() && media != kJson && media != kAmzJson)) {
    reply->status = 404;
    reply->body = "<UnknownOperationException/>\n";
    return;
  }
  reply->content_type = media == kAmzJson ? kAmzJson : kJson;
  std::string decoded;  // the body without its Content-Encoding, when it has one
  std::string_view body;
  if (!DecodeRequestBody(request, &decoded, &body, reply)) return;
  DispatchResult result = Dispatch(ctx_, request.amz_target, body, lookup_);
  reply->status = result.status;
  reply->body = std::move(result.body);
}

}  // namespace tideline::http
