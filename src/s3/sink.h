#pragma once
// Sink: where export objects go. Two implementations behind one interface:
//  - a local directory standing for S3: <root>/<bucket>/<key>; a bucket is a sub-directory that
//    must already exist (a missing one fails like S3's NoSuchBucket);
//  - any S3-compatible endpoint over HTTP(S) with SigV4 (PutObject, multipart upload).
// Errors come back as Status::Remote(<S3 error code>, <S3 message>), e.g.
// Remote("NoSuchBucket", "The specified bucket does not exist"), so an export can report them as
// FailureCode / FailureMessage unchanged.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tideline::s3 {

struct ObjectOptions {
  std::string sse_algorithm;          // "" (none), "AES256" or "aws:kms"
  std::string sse_kms_key_id;         // with aws:kms
  std::string expected_bucket_owner;  // x-amz-expected-bucket-owner, when non-empty
};

// A streaming upload of one object. Memory stays bounded: at most one part is buffered.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Status Append(std::string_view data) = 0;
  // Completes the object; *etag receives the ETag as S3 reports it, without quotes
  // (for a multipart upload of N parts: hex(md5(concat(md5(part_i)))) + "-N").
  virtual Status Finish(std::string* etag) = 0;
  // Abandons the upload (aborts the multipart upload / removes the partial file).
  virtual void Abort() = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // OK when the bucket exists and is writable; Remote("NoSuchBucket", ...) otherwise.
  virtual Status CheckBucket(const std::string& bucket, const ObjectOptions& options) = 0;
  // Single-request upload of a small object; *etag (may be null) gets hex(md5) as S3 does.
  virtual Status PutObject(const std::string& bucket, const std::string& key, std::string_view data,
                           const ObjectOptions& options, std::string* etag) = 0;
  // A multipart upload (S3) or a streamed file (local directory; its ETag is computed as S3
  // would for a multipart upload of one part: hex(md5(md5(data))) + "-1").
  // Discards what an interrupted earlier attempt left under `prefix` and that is not an object
  // (a local sink's hidden temporary files; an S3 peer's unfinished uploads are left to the
  // bucket's lifecycle rules). Called before an export is run again after a restart.
  virtual Status DiscardIncomplete(const std::string& bucket, const std::string& prefix) {
    return Status::OK();
  }
  virtual Status NewMultipartWriter(const std::string& bucket, const std::string& key,
                                    const ObjectOptions& options,
                                    std::unique_ptr<ObjectWriter>* writer) = 0;
};

std::unique_ptr<Sink> NewLocalDirSink(std::string root);

struct S3Config {
  std::string endpoint;  // e.g. http://127.0.0.1:9000 (scheme required)
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;   // optional
  bool path_style = true;      // false: virtual-hosted (<bucket>.<host>)
  size_t part_size = 8 << 20;  // multipart part size (values below S3's 5 MiB are raised)
  int max_retries = 4;         // retries with backoff on 5xx, SlowDown, and connection errors
  // Backoff before retry n (0-based): a random delay in [d/2, d], d = min(max, base * 2^n).
  int retry_base_delay_ms = 100;
  int retry_max_delay_ms = 20000;
  long connect_timeout_ms = 10000;
  // Over https only: send x-amz-content-sha256: UNSIGNED-PAYLOAD instead of hashing every body
  // (TLS already protects the bytes; plain http always signs the real payload hash).
  bool unsigned_payload = false;
  std::string ca_bundle;  // PEM file of trusted CAs (AWS_CA_BUNDLE); empty: system default
};
// Fills access key / secret / session token from the standard AWS environment variables
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or else the shared files
// (~/.aws/credentials, AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE), and the region from
// AWS_REGION / AWS_DEFAULT_REGION when set (else the shared config file, AWS_CONFIG_FILE or
// ~/.aws/config), and ca_bundle from AWS_CA_BUNDLE. Fields with nothing found stay as they are.
void LoadCredentialsFromEnvironment(S3Config* config);
std::unique_ptr<Sink> NewS3Sink(S3Config config);

}  // namespace tideline::s3
