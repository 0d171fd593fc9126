// The Sink over an S3-compatible endpoint: PutObject for small objects, a multipart upload
// for streamed ones. A writer buffers at most one part (config.part_size, raised to S3's 5 MiB
// minimum); every full part is uploaded before Append returns, so memory stays bounded however
// large the object grows.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "s3/s3_client.h"
#include "s3/sink.h"

namespace tideline::s3 {
namespace {

class S3MultipartWriter : public ObjectWriter {
 public:
  S3MultipartWriter(S3Client* client, std::string bucket, std::string key, ObjectOptions options,
                    std::string upload_id, size_t part_size)
      : client_(client),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        options_(std::move(options)),
        upload_id_(std::move(upload_id)),
        part_size_(part_size) {}

  ~S3MultipartWriter() override {
    if (!done_) Abort();
  }

  Status Append(std::string_view data) override {
    if (!failed_.ok()) return failed_;
    if (done_) return Status::InvalidArgument("S3 writer: Append after Finish or Abort");
    while (!data.empty()) {
      if (buffer_.empty() && data.size() >= part_size_) {
        // A whole part is already in the caller's memory: send it without copying.
        Status s = SendPart(data.substr(0, part_size_));
        if (!s.ok()) return s;
        data.remove_prefix(part_size_);
        continue;
      }
      if (buffer_.capacity() < part_size_) buffer_.reserve(part_size_);
      size_t n = std::min(part_size_ - buffer_.size(), data.size());
      buffer_.append(data.substr(0, n));
      data.remove_prefix(n);
      if (buffer_.size() == part_size_) {
        Status s = SendPart(buffer_);
        if (!s.ok()) return s;
        buffer_.clear();
      }
    }
    return Status::OK();
  }

  Status Finish(std::string* etag) override {
    if (!failed_.ok()) return failed_;
    if (done_) return Status::InvalidArgument("S3 writer: Finish after Finish or Abort");
    // The last part may be short; an object with no bytes at all is still one (empty) part.
    if (!buffer_.empty() || part_etags_.empty()) {
      Status s = SendPart(buffer_);
      if (!s.ok()) return s;
    }
    std::string().swap(buffer_);
    std::string result;
    Status s =
        client_->CompleteMultipartUpload(bucket_, key_, upload_id_, part_etags_, options_, &result);
    if (!s.ok()) return Fail(s);
    done_ = true;
    if (etag != nullptr) *etag = std::move(result);
    return Status::OK();
  }

  void Abort() override {
    if (done_) return;
    done_ = true;
    std::string().swap(buffer_);
    // Best effort: an upload that cannot be aborted now is reaped by the bucket's lifecycle
    // rule for incomplete uploads, and never becomes a visible object.
    (void)client_->AbortMultipartUpload(bucket_, key_, upload_id_, options_);
  }

 private:
  Status SendPart(std::string_view part) {
    int number = static_cast<int>(part_etags_.size()) + 1;
    if (number > kMaxParts) {
      return Fail(Status::InvalidArgument("S3 writer: object needs more than 10000 parts of " +
                                          std::to_string(part_size_) + " bytes"));
    }
    std::string etag;
    Status s = client_->UploadPart(bucket_, key_, upload_id_, number, part, options_, &etag);
    if (!s.ok()) return Fail(s);
    part_etags_.push_back(std::move(etag));
    return Status::OK();
  }

  // Remembers the first failure and abandons the upload so no parts linger.
  Status Fail(Status s) {
    failed_ = s;
    Abort();
    return s;
  }

  S3Client* client_;
  std::string bucket_;
  std::string key_;
  ObjectOptions options_;
  std::string upload_id_;
  size_t part_size_;
  std::string buffer_;
  std::vector<std::string> part_etags_;
  Status failed_;
  bool done_ = false;
};

class S3Sink : public Sink {
 public:
  explicit S3Sink(S3Config config) : client_(std::move(config)) {
    part_size_ = std::max(client_.config().part_size, kMinPartSize);
  }

  Status CheckBucket(const std::string& bucket, const ObjectOptions& options) override {
    return client_.HeadBucket(bucket, options);
  }

  Status PutObject(const std::string& bucket, const std::string& key, std::string_view data,
                   const ObjectOptions& options, std::string* etag) override {
    return client_.PutObject(bucket, key, data, options, etag);
  }

  Status NewMultipartWriter(const std::string& bucket, const std::string& key,
                            const ObjectOptions& options,
                            std::unique_ptr<ObjectWriter>* writer) override {
    std::string upload_id;
    Status s = client_.CreateMultipartUpload(bucket, key, options, &upload_id);
    if (!s.ok()) return s;
    *writer = std::make_unique<S3MultipartWriter>(&client_, bucket, key, options,
                                                  std::move(upload_id), part_size_);
    return Status::OK();
  }

 private:
  S3Client client_;
  size_t part_size_;
};

}  // namespace

std::unique_ptr<Sink> NewS3Sink(S3Config config) {
  return std::make_unique<S3Sink>(std::move(config));
}

}  // namespace tideline::s3
