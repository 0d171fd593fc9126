#pragma once
// An HTTP/1.1 request parser (Beast's basic_parser) that keeps only what Tideline reads: the
// method, the target, a handful of headers and the body (Content-Length or chunked). Nothing is
// allocated per request once the session's Request strings have grown to their working size:
// Beast's own message/fields types would allocate one node per header.

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/memory_budget.h"

namespace tideline::http {

// One parsed request. Reused across the requests of a connection (Clear keeps capacity).
struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  int version = 11;  // 10 or 11
  std::string target;
  std::string amz_target;            // X-Amz-Target
  std::string content_type;          // Content-Type
  std::string origin;                // Origin (CORS)
  std::string cors_request_headers;  // Access-Control-Request-Headers
  std::string cors_request_method;   // Access-Control-Request-Method
  std::string content_encoding;      // Content-Encoding (decoded after the signature check)
  std::string accept_encoding;       // Accept-Encoding (the last one, as DynamoDB reads it)
  bool has_origin = false;
  bool expect_continue = false;  // Expect: 100-continue
  std::string body;              // decoded body (chunked encoding removed)

  // Every header as received, for the signature check and the Host rule. Names and values
  // are kept in one buffer (bounded by the header limit) so that nothing is allocated per
  // header once it has grown.
  struct HeaderRef {
    uint32_t name_pos, name_len, value_pos, value_len;
  };
  std::string header_bytes;
  std::vector<HeaderRef> headers;

  void AddHeader(std::string_view name, std::string_view value);
  std::string_view HeaderName(const HeaderRef& h) const {
    return std::string_view(header_bytes).substr(h.name_pos, h.name_len);
  }
  std::string_view HeaderValue(const HeaderRef& h) const {
    return std::string_view(header_bytes).substr(h.value_pos, h.value_len);
  }
  // The value of the first header named `name` (case-insensitive), or nullptr.
  const HeaderRef* FindHeader(std::string_view name) const;

  void Clear();
};

// Parses one request into *request (which it clears first). Construct one per request; set
// body_limit (bytes of decoded body, enforced for Content-Length and chunked alike),
// header_limit and the budget before the first put().
class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(Request* request);

  // Bodies larger than `free_bytes` take their memory from `budget` before it is spent (the
  // whole Content-Length up front; a chunked body as it grows), adding what they took to
  // *charged, which the caller gives back once the body is freed. When the budget refuses,
  // put() fails with error::body_limit and throttled() is true.
  void set_budget(MemoryBudget* budget, size_t free_bytes, size_t* charged) {
    budget_ = budget;
    free_bytes_ = free_bytes;
    charged_ = charged;
  }
  bool throttled() const { return throttled_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  // Makes room for the body to reach `size` bytes, charging the budget; false if refused.
  bool Reserve(size_t size);

  Request* request_;
  MemoryBudget* budget_ = nullptr;
  size_t free_bytes_ = 0;
  size_t* charged_ = nullptr;
  bool throttled_ = false;
};

}  // namespace tideline::http
