#pragma once
// A blocking HTTP/1.1 client over libcurl for the S3 client. Thread-safe: each call borrows an
// easy handle from a small pool (so keep-alive connections are reused by later calls) and gives
// it back; no handle is ever used by two threads at once. curl_global_init runs once per process.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"

namespace tideline::s3 {

struct HttpRequest {
  std::string method;                                        // GET HEAD PUT POST DELETE
  std::string url;                                           // fully encoded
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given (incl. Host)
  std::string_view body;                                     // must stay alive during Send
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, values trimmed
  std::string body;
  // The value of the last header named `lower_name`, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  long connect_timeout_ms = 10000;
  // A transfer slower than 1 byte/s for this long is aborted (a dead peer never hangs a job).
  long stall_timeout_s = 60;
  std::string ca_bundle;  // PEM file of trusted CAs; empty: the system default
  size_t max_response_bytes = size_t{256} << 20;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one exchange. Any HTTP status is OK here (the caller interprets it); only a
  // transport failure (resolve, connect, reset, timeout) returns IOError("curl: ...").
  Status Send(const HttpRequest& request, HttpResponse* response);

 private:
  void* Acquire();
  void Release(void* handle);

  HttpClientOptions options_;
  common::Mutex mu_;
  std::vector<void*> idle_ GUARDED_BY(mu_);  // CURL* handles, kept to reuse their connections
};

}  // namespace tideline::s3
