#pragma once
// S3Client: the S3 REST calls the sinks (and tests, and later ImportTable) need, signed with
// aws/sigv4 and sent with s3/http_client. Path-style (http://host/bucket/key) or
// virtual-hosted (http://bucket.host/key) addressing. Thread-safe; one instance serves every
// export thread.
//
// Errors: a non-2xx answer becomes Status::Remote(<S3 Code>, <S3 Message>) from its XML body;
// a body-less answer (HEAD) maps 404 to NoSuchBucket (bucket calls) or NoSuchKey (object calls)
// and 403 to AccessDenied. Transport failures are IOError. Retryable failures (connection
// errors, 5xx, 429, SlowDown and the throttling codes, RequestTimeout) are retried up to
// config.max_retries times with exponential backoff and jitter.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "s3/http_client.h"
#include "s3/sink.h"

namespace tideline::s3 {

// S3 refuses parts smaller than this, except the last one.
inline constexpr size_t kMinPartSize = size_t{5} << 20;
inline constexpr int kMaxParts = 10000;

class S3Client {
 public:
  explicit S3Client(S3Config config);

  // InvalidArgument when the endpoint cannot be used (no scheme, empty host, ...).
  const Status& init_status() const { return init_status_; }
  const S3Config& config() const { return config_; }

  struct Call {
    std::string method;
    std::string bucket;
    std::string key;    // raw (unencoded) object key; empty for bucket-level calls
    std::string query;  // encoded query string without '?', e.g. "uploads" or "partNumber=1&..."
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view body;
    // CompleteMultipartUpload may answer 200 with an <Error> body: treat that as a failure.
    bool error_in_ok_body = false;
  };
  // Signs, sends and retries one call. OK only for a 2xx answer (*response then holds it).
  Status Execute(const Call& call, HttpResponse* response);

  // The URL and Host header the client would use (exposed for tests).
  void Address(const std::string& bucket, const std::string& key, const std::string& query,
               std::string* url, std::string* host) const;

  Status CreateBucket(const std::string& bucket);
  Status HeadBucket(const std::string& bucket, const ObjectOptions& options);
  Status PutObject(const std::string& bucket, const std::string& key, std::string_view data,
                   const ObjectOptions& options, std::string* etag);
  Status GetObject(const std::string& bucket, const std::string& key, std::string* data);
  // *response gets the headers (etag, content-length, x-amz-server-side-encryption, ...).
  Status HeadObject(const std::string& bucket, const std::string& key, HttpResponse* response);
  Status CreateMultipartUpload(const std::string& bucket, const std::string& key,
                               const ObjectOptions& options, std::string* upload_id);
  Status UploadPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                    int part_number, std::string_view data, const ObjectOptions& options,
                    std::string* etag);
  Status CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id,
                                 const std::vector<std::string>& part_etags,
                                 const ObjectOptions& options, std::string* etag);
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id, const ObjectOptions& options);

 private:
  Status SendOnce(const Call& call, HttpResponse* response, bool* retryable);

  S3Config config_;
  Status init_status_;
  bool https_ = false;
  std::string scheme_;     // "http" or "https"
  std::string authority_;  // host[:port] as written in the endpoint
  std::string base_path_;  // endpoint path without trailing '/', usually ""
  std::unique_ptr<HttpClient> http_;
};

// Maps an S3 answer that is not a success to a Status (exposed for tests). `key_call`: the call
// named an object, so a body-less 404 means NoSuchKey rather than NoSuchBucket.
Status ErrorFromResponse(const HttpResponse& response, bool key_call);
// True for the S3 error codes worth retrying (throttling, transient server errors).
bool IsRetryableCode(std::string_view code);
// Strips one pair of surrounding double quotes (S3 quotes ETags).
std::string Unquote(std::string_view etag);

}  // namespace tideline::s3
