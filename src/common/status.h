#pragma once
// Status: the error type of storage/, export/ and s3/ (leveldb style: returned, never thrown).

#include <string>
#include <utility>

namespace tideline {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kNotFound,
    kInvalidArgument,
    kIOError,
    kCorruption,
    kBusy,  // held by a conflicting operation: an item of an ongoing transaction
    kRemote,
    kAlreadyExists,  // the named thing (e.g. a table) exists already
    kUnavailable,    // refused for now, retry later: the disk is full, a background error
    kLimitExceeded,  // a size limit would be passed: an LSI item collection (storage)
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status Busy(std::string msg) { return Status(Code::kBusy, std::move(msg)); }
  static Status AlreadyExists(std::string msg) {
    return Status(Code::kAlreadyExists, std::move(msg));
  }
  // A temporary refusal the client should retry (DynamoDB's 503 ServiceUnavailable).
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status LimitExceeded(std::string msg) {
    return Status(Code::kLimitExceeded, std::move(msg));
  }
  // An error reported by a remote peer (e.g. S3): `remote_code` is its code ("NoSuchBucket").
  static Status Remote(std::string remote_code, std::string msg) {
    Status s(Code::kRemote, std::move(msg));
    s.remote_code_ = std::move(remote_code);
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsAlreadyExists() const { return code_ == Code::kAlreadyExists; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& remote_code() const { return remote_code_; }
  std::string ToString() const {
    if (ok()) return "OK";
    return remote_code_.empty() ? message_ : remote_code_ + ": " + message_;
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string remote_code_;
};

}  // namespace tideline
