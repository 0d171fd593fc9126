#include "s3/s3_client.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "common/base64.h"
#include "s3/xml.h"

#ifndef TIDELINE_VERSION
#define TIDELINE_VERSION "dev"
#endif

namespace tideline::s3 {
namespace {

constexpr char kUserAgent[] = "tideline/" TIDELINE_VERSION;

void AddObjectHeaders(const ObjectOptions& options, bool with_sse,
                      std::vector<std::pair<std::string, std::string>>* headers) {
  if (with_sse && !options.sse_algorithm.empty()) {
    // DynamoDB names SSE-KMS "KMS"; S3 wants "aws:kms".
    std::string algorithm = options.sse_algorithm == "KMS" ? "aws:kms" : options.sse_algorithm;
    bool kms = algorithm.rfind("aws:kms", 0) == 0;
    headers->emplace_back("x-amz-server-side-encryption", std::move(algorithm));
    if (kms && !options.sse_kms_key_id.empty()) {
      headers->emplace_back("x-amz-server-side-encryption-aws-kms-key-id", options.sse_kms_key_id);
    }
  }
  if (!options.expected_bucket_owner.empty()) {
    headers->emplace_back("x-amz-expected-bucket-owner", options.expected_bucket_owner);
  }
}

std::chrono::milliseconds Backoff(const S3Config& config, int attempt) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  double d = static_cast<double>(std::max(config.retry_base_delay_ms, 0)) *
             static_cast<double>(uint64_t{1} << std::min(attempt, 30));
  d = std::min(d, static_cast<double>(std::max(config.retry_max_delay_ms, 0)));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(d * jitter(rng)));
}

}  // namespace

std::string Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

bool IsRetryableCode(std::string_view code) {
  static constexpr std::string_view kCodes[] = {
      "SlowDown",
      "InternalError",
      "ServiceUnavailable",
      "RequestTimeout",
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottled",
      "RequestThrottledException",
      "TooManyRequestsException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
  };
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

Status ErrorFromResponse(const HttpResponse& response, bool key_call) {
  std::string code, message;
  if (xml::ParseError(response.body, &code, &message)) {
    return Status::Remote(std::move(code), std::move(message));
  }
  switch (response.status) {
    case 404:
      return key_call ? Status::Remote("NoSuchKey", "The specified key does not exist.")
                      : Status::Remote("NoSuchBucket", "The specified bucket does not exist");
    case 403:
      return Status::Remote("AccessDenied", "Access Denied");
    case 301:
    case 307: {
      const std::string* region = response.Header("x-amz-bucket-region");
      std::string msg =
          "The bucket you are attempting to access must be addressed using the specified "
          "endpoint.";
      if (region != nullptr) msg += " Bucket region: " + *region;
      return Status::Remote(response.status == 301 ? "PermanentRedirect" : "TemporaryRedirect",
                            msg);
    }
    case 400:
      return Status::Remote("BadRequest", "Bad Request");
    case 412:
      return Status::Remote("PreconditionFailed",
                            "At least one of the pre-conditions you specified did not hold");
    case 429:
      return Status::Remote("SlowDown", "Please reduce your request rate.");
    case 500:
      return Status::Remote("InternalError", "We encountered an internal error. Please try again.");
    case 503:
      return Status::Remote("ServiceUnavailable", "Service Unavailable");
    default:
      return Status::Remote("UnknownError",
                            "S3 answered HTTP status " + std::to_string(response.status));
  }
}

S3Client::S3Client(S3Config config) : config_(std::move(config)) {
  HttpClientOptions http_options;
  http_options.connect_timeout_ms = config_.connect_timeout_ms;
  http_options.ca_bundle = config_.ca_bundle;
  http_ = std::make_unique<HttpClient>(std::move(http_options));

  std::string_view endpoint = config_.endpoint;
  size_t sep = endpoint.find("://");
  if (sep == std::string_view::npos) {
    init_status_ = Status::InvalidArgument("S3 endpoint needs a scheme (http:// or https://): '" +
                                           config_.endpoint + "'");
    return;
  }
  scheme_ = std::string(endpoint.substr(0, sep));
  for (char& c : scheme_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme_ != "http" && scheme_ != "https") {
    init_status_ = Status::InvalidArgument("S3 endpoint scheme must be http or https: '" +
                                           config_.endpoint + "'");
    return;
  }
  https_ = scheme_ == "https";
  std::string_view rest = endpoint.substr(sep + 3);
  size_t slash = rest.find('/');
  authority_ = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) base_path_ = std::string(rest.substr(slash));
  while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
  if (authority_.empty() || authority_.find_first_of("?#@ ") != std::string::npos) {
    init_status_ =
        Status::InvalidArgument("S3 endpoint has no usable host: '" + config_.endpoint + "'");
  }
}

void S3Client::Address(const std::string& bucket, const std::string& key, const std::string& query,
                       std::string* url, std::string* host) const {
  std::string path = base_path_;
  if (config_.path_style) {
    *host = authority_;
    path += "/" + aws::UriEncode(bucket, /*encode_slash=*/true);
    if (!key.empty()) path += "/" + aws::UriEncode(key, /*encode_slash=*/false);
  } else {
    *host = bucket + "." + authority_;
    path += "/" + aws::UriEncode(key, /*encode_slash=*/false);
  }
  *url = scheme_ + "://" + *host + path;
  if (!query.empty()) *url += "?" + query;
}

Status S3Client::SendOnce(const Call& call, HttpResponse* response, bool* retryable) {
  *retryable = false;
  std::string url, host;
  Address(call.bucket, call.key, call.query, &url, &host);

  aws::Request signable;
  signable.method = call.method;
  size_t path_start = url.find('/', scheme_.size() + 3);
  size_t query_start = url.find('?');
  signable.path = url.substr(
      path_start, query_start == std::string::npos ? std::string::npos : query_start - path_start);
  signable.query = call.query;
  signable.headers = call.headers;
  signable.headers.emplace_back("Host", host);

  std::string payload_hash = (https_ && config_.unsigned_payload)
                                 ? std::string(aws::kUnsignedPayload)
                                 : aws::Sha256Hex(call.body);
  aws::Credentials creds{config_.access_key_id, config_.secret_access_key, config_.session_token};
  aws::SigningOptions signing{config_.region, "s3", aws::UriRules::kS3, "", true};
  Status s = aws::SignRequest(creds, signing, payload_hash, &signable);
  if (!s.ok()) return s;

  HttpRequest request{call.method, url, std::move(signable.headers), call.body};
  request.headers.emplace_back("User-Agent", kUserAgent);
  s = http_->Send(request, response);
  if (!s.ok()) {
    *retryable = true;
    return s;
  }
  if (response->status >= 200 && response->status < 300) {
    std::string code, message;
    if (call.error_in_ok_body && xml::ParseError(response->body, &code, &message)) {
      *retryable = IsRetryableCode(code);
      return Status::Remote(std::move(code), std::move(message));
    }
    return Status::OK();
  }
  s = ErrorFromResponse(*response, !call.key.empty());
  *retryable =
      response->status >= 500 || response->status == 429 || IsRetryableCode(s.remote_code());
  return s;
}

Status S3Client::Execute(const Call& call, HttpResponse* response) {
  if (!init_status_.ok()) return init_status_;
  for (int attempt = 0;; ++attempt) {
    bool retryable = false;
    Status s = SendOnce(call, response, &retryable);
    if (s.ok() || !retryable || attempt >= config_.max_retries) return s;
    std::this_thread::sleep_for(Backoff(config_, attempt));
  }
}

Status S3Client::CreateBucket(const std::string& bucket) {
  Call call{"PUT", bucket, "", "", {}, {}, false};
  std::string body;
  if (!config_.region.empty() && config_.region != "us-east-1") {
    body =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>" +
        xml::Escape(config_.region) + "</LocationConstraint></CreateBucketConfiguration>";
    call.headers.emplace_back("Content-Type", "application/xml");
  }
  call.body = body;
  HttpResponse response;
  return Execute(call, &response);
}

Status S3Client::HeadBucket(const std::string& bucket, const ObjectOptions& options) {
  Call call{"HEAD", bucket, "", "", {}, {}, false};
  AddObjectHeaders(options, /*with_sse=*/false, &call.headers);
  HttpResponse response;
  return Execute(call, &response);
}

Status S3Client::PutObject(const std::string& bucket, const std::string& key, std::string_view data,
                           const ObjectOptions& options, std::string* etag) {
  Call call{"PUT", bucket, key, "", {}, data, false};
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  call.headers.emplace_back("Content-MD5", Base64Encode(aws::Md5(data)));
  AddObjectHeaders(options, /*with_sse=*/true, &call.headers);
  HttpResponse response;
  Status s = Execute(call, &response);
  if (!s.ok()) return s;
  if (etag != nullptr) {
    const std::string* e = response.Header("etag");
    *etag = e != nullptr ? Unquote(*e) : "";
  }
  return Status::OK();
}

Status S3Client::GetObject(const std::string& bucket, const std::string& key, std::string* data) {
  Call call{"GET", bucket, key, "", {}, {}, false};
  HttpResponse response;
  Status s = Execute(call, &response);
  if (s.ok()) *data = std::move(response.body);
  return s;
}

Status S3Client::HeadObject(const std::string& bucket, const std::string& key,
                            HttpResponse* response) {
  Call call{"HEAD", bucket, key, "", {}, {}, false};
  return Execute(call, response);
}

Status S3Client::CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                       const ObjectOptions& options, std::string* upload_id) {
  Call call{"POST", bucket, key, "uploads", {}, {}, false};
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  AddObjectHeaders(options, /*with_sse=*/true, &call.headers);
  HttpResponse response;
  Status s = Execute(call, &response);
  if (!s.ok()) return s;
  if (!xml::ElementText(response.body, "UploadId", upload_id) || upload_id->empty()) {
    return Status::IOError("S3 CreateMultipartUpload answer has no UploadId");
  }
  return Status::OK();
}

Status S3Client::UploadPart(const std::string& bucket, const std::string& key,
                            const std::string& upload_id, int part_number, std::string_view data,
                            const ObjectOptions& options, std::string* etag) {
  Call call{"PUT",
            bucket,
            key,
            "partNumber=" + std::to_string(part_number) +
                "&uploadId=" + aws::UriEncode(upload_id, /*encode_slash=*/true),
            {},
            data,
            false};
  call.headers.emplace_back("Content-MD5", Base64Encode(aws::Md5(data)));
  AddObjectHeaders(options, /*with_sse=*/false, &call.headers);
  HttpResponse response;
  Status s = Execute(call, &response);
  if (!s.ok()) return s;
  const std::string* e = response.Header("etag");
  if (e == nullptr || e->empty()) return Status::IOError("S3 UploadPart answer has no ETag");
  *etag = Unquote(*e);
  return Status::OK();
}

Status S3Client::CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id,
                                         const std::vector<std::string>& part_etags,
                                         const ObjectOptions& options, std::string* etag) {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t i = 0; i < part_etags.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
            xml::Escape("\"" + part_etags[i] + "\"") + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  Call call{"POST",
            bucket,
            key,
            "uploadId=" + aws::UriEncode(upload_id, /*encode_slash=*/true),
            {},
            body,
            /*error_in_ok_body=*/true};
  call.headers.emplace_back("Content-Type", "application/xml");
  AddObjectHeaders(options, /*with_sse=*/false, &call.headers);
  HttpResponse response;
  Status s = Execute(call, &response);
  if (!s.ok()) return s;
  std::string e;
  if (!xml::ElementText(response.body, "ETag", &e)) {
    return Status::IOError("S3 CompleteMultipartUpload answer has no ETag");
  }
  if (etag != nullptr) *etag = Unquote(e);
  return Status::OK();
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id, const ObjectOptions& options) {
  Call call{"DELETE", bucket, key,  "uploadId=" + aws::UriEncode(upload_id, /*encode_slash=*/true),
            {},       {},     false};
  AddObjectHeaders(options, /*with_sse=*/false, &call.headers);
  HttpResponse response;
  return Execute(call, &response);
}

}  // namespace tideline::s3
