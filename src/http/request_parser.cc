#include "http/request_parser.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>

namespace tideline::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr size_t kMaxChunkedGrowth = 4 * 1024 * 1024;
}  // namespace

void Request::Clear() {
  method = bhttp::verb::unknown;
  version = 11;
  target.clear();
  amz_target.clear();
  content_type.clear();
  origin.clear();
  cors_request_headers.clear();
  cors_request_method.clear();
  content_encoding.clear();
  accept_encoding.clear();
  has_origin = false;
  expect_continue = false;
  body.clear();
  header_bytes.clear();
  headers.clear();
}

void Request::AddHeader(std::string_view name, std::string_view value) {
  HeaderRef ref;
  ref.name_pos = static_cast<uint32_t>(header_bytes.size());
  ref.name_len = static_cast<uint32_t>(name.size());
  header_bytes.append(name);
  ref.value_pos = static_cast<uint32_t>(header_bytes.size());
  ref.value_len = static_cast<uint32_t>(value.size());
  header_bytes.append(value);
  headers.push_back(ref);
}

const Request::HeaderRef* Request::FindHeader(std::string_view name) const {
  for (const HeaderRef& h : headers) {
    const std::string_view n = HeaderName(h);
    if (beast::iequals(beast::string_view(n.data(), n.size()),
                       beast::string_view(name.data(), name.size()))) {
      return &h;
    }
  }
  return nullptr;
}

RequestParser::RequestParser(Request* request) : request_(request) { request_->Clear(); }

void RequestParser::on_request_impl(bhttp::verb method, string_view /*method_str*/,
                                    string_view target, int version, error_code& /*ec*/) {
  request_->method = method;
  request_->version = version;
  request_->target.assign(target.data(), target.size());
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // unreachable: this is a request parser
}

void RequestParser::on_field_impl(bhttp::field name, string_view name_string, string_view value,
                                  error_code& /*ec*/) {
  request_->AddHeader(std::string_view(name_string.data(), name_string.size()),
                      std::string_view(value.data(), value.size()));
  switch (name) {
    case bhttp::field::content_type:
      request_->content_type.assign(value.data(), value.size());
      break;
    case bhttp::field::expect:
      // RFC 7231 5.1.1: the only defined expectation; compare case-insensitively.
      if (beast::iequals(value, "100-continue")) request_->expect_continue = true;
      break;
    case bhttp::field::origin:
      request_->has_origin = true;
      request_->origin.assign(value.data(), value.size());
      break;
    case bhttp::field::access_control_request_headers:
      request_->cors_request_headers.assign(value.data(), value.size());
      break;
    case bhttp::field::access_control_request_method:
      request_->cors_request_method.assign(value.data(), value.size());
      break;
    case bhttp::field::content_encoding:
      request_->content_encoding.assign(value.data(), value.size());
      break;
    case bhttp::field::accept_encoding:
      request_->accept_encoding.assign(value.data(), value.size());
      break;
    case bhttp::field::unknown:
      if (beast::iequals(name_string, "x-amz-target")) {
        request_->amz_target.assign(value.data(), value.size());
      }
      break;
    default:
      break;  // Host, Authorization, Content-Length, Connection...: Beast or nobody needs them
  }
}

void RequestParser::on_header_impl(error_code& /*ec*/) {}

bool RequestParser::Reserve(size_t size) {
  std::string& body = request_->body;
  if (size <= body.capacity()) return true;
  if (budget_ != nullptr && size > free_bytes_) {
    const size_t charge = size - std::max(free_bytes_, body.capacity());
    if (!budget_->TryAcquire(charge)) {
      throttled_ = true;
      return false;
    }
    *charged_ += charge;
  }
  body.reserve(size);
  return true;
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code& ec) {
  // Content-Length is already checked against body_limit by Beast, so reserving is bounded.
  if (content_length && !Reserve(static_cast<size_t>(*content_length))) {
    ec = bhttp::error::body_limit;
  }
}

std::size_t RequestParser::on_body_impl(string_view body, error_code& /*ec*/) {
  request_->body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t /*size*/, string_view /*extensions*/,
                                         error_code& /*ec*/) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t /*remain*/, string_view body,
                                              error_code& ec) {
  // Grow geometrically, as append would (but by at most 4 MB at a time, the body being at most
  // 16 MB), charging the budget before the memory is taken.
  const size_t size = request_->body.size() + body.size();
  const size_t capacity = request_->body.capacity();
  if (size > capacity &&
      !Reserve(std::max(size, std::min(2 * capacity, size + kMaxChunkedGrowth)))) {
    ec = bhttp::error::body_limit;
    return 0;
  }
  request_->body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code& /*ec*/) {}

}  // namespace tideline::http
