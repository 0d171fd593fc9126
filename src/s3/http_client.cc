#include "s3/http_client.h"

#include <curl/curl.h>
#include <strings.h>

#include <cctype>
#include <cstring>

namespace tideline::s3 {
namespace {

constexpr size_t kMaxIdleHandles = 16;

void GlobalInitOnce() {
  static std::once_flag once;
  // CURL_GLOBAL_ALL is not thread-safe on old curls; doing it once, before any handle exists,
  // is what libcurl asks for.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_ALL); });
}

struct WriteState {
  std::string* body;
  size_t limit;
  bool overflow = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* state = static_cast<WriteState*>(userdata);
  size_t n = size * nmemb;
  if (state->body->size() + n > state->limit) {
    state->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  state->body->append(data, n);
  return n;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* response = static_cast<HttpResponse*>(userdata);
  size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (e.g. after "100 Continue"): forget the headers of the previous one.
    response->headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(TrimView(line.substr(0, colon)));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  response->headers.emplace_back(std::move(name), std::string(TrimView(line.substr(colon + 1))));
  return n;
}

}  // namespace

const std::string* HttpResponse::Header(std::string_view lower_name) const {
  const std::string* found = nullptr;
  for (const auto& [name, value] : headers) {
    if (name == lower_name) found = &value;
  }
  return found;
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  GlobalInitOnce();
}

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::Acquire() {
  {
    common::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpClient::Release(void* handle) {
  common::MutexLock lock(&mu_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

Status HttpClient::Send(const HttpRequest& request, HttpResponse* response) {
  *response = HttpResponse();
  CURL* curl = static_cast<CURL*>(Acquire());
  if (curl == nullptr) return Status::IOError("curl: cannot create a handle");
  curl_easy_reset(curl);  // keeps the connection cache, drops every option

  struct curl_slist* header_list = nullptr;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    header_list = curl_slist_append(header_list, line.c_str());
  }
  // No "Expect: 100-continue" round trip, and no Content-Type guessed by curl for bodies.
  header_list = curl_slist_append(header_list, "Expect:");
  bool has_content_type = false;
  for (const auto& h : request.headers) {
    if (strcasecmp(h.first.c_str(), "content-type") == 0) has_content_type = true;
  }
  if (!has_content_type) header_list = curl_slist_append(header_list, "Content-Type:");

  WriteState write_state{&response->body, options_.max_response_bytes};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_s);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &write_state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, response);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  // Object keys may hold "/./" or "/../": send the path exactly as signed.
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  if (!options_.ca_bundle.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    // PUT/POST/DELETE: the body (possibly empty) is sent from memory with a Content-Length.
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      // Never a null pointer: curl would then read the body from stdin.
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    }
  }

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(header_list);
  Status status;
  if (rc != CURLE_OK) {
    std::string what = write_state.overflow ? "response body larger than the limit"
                       : error[0] != '\0'   ? std::string(error)
                                            : std::string(curl_easy_strerror(rc));
    status = Status::IOError("curl: " + what);
    // A failed transfer may leave the connection in an unknown state: drop the handle.
    curl_easy_cleanup(curl);
    return status;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
  Release(curl);
  return status;
}

}  // namespace tideline::s3
