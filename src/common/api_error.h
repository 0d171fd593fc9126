#pragma once
// ApiError: a DynamoDB client-visible error. Thrown from api/, expr/ and model/ code; the HTTP
// dispatcher alone turns it into {"__type":"com.amazonaws.dynamodb.v20120810#<type>","message":..}.
// One factory per DynamoDB error name, so raw type strings never appear at call sites.

#include <exception>
#include <string>

namespace tideline {

class ApiError : public std::exception {
 public:
  ApiError(int http_status, std::string type, std::string message, std::string extra_json = {})
      : http_status_(http_status),
        type_(std::move(type)),
        message_(std::move(message)),
        extra_json_(std::move(extra_json)) {}

  int http_status() const { return http_status_; }
  // The short error name, e.g. "ValidationException".
  const std::string& type() const { return type_; }
  const std::string& message() const { return message_; }
  // Extra members appended to the error body, already serialized as `"Key":value,...` (no
  // braces); e.g. the Item of a ConditionalCheckFailedException or CancellationReasons.
  const std::string& extra_json() const { return extra_json_; }
  const char* what() const noexcept override { return message_.c_str(); }

  // The namespace prefix that __type carries for every DynamoDB error.
  static constexpr const char* kTypePrefix = "com.amazonaws.dynamodb.v20120810#";

  static ApiError Validation(std::string msg) { return Make("ValidationException", msg); }
  static ApiError Serialization(std::string msg) { return Make("SerializationException", msg); }
  static ApiError UnknownOperation(std::string msg) {
    return Make("UnknownOperationException", msg);
  }
  static ApiError ResourceNotFound(std::string msg) {
    return Make("ResourceNotFoundException", msg);
  }
  static ApiError ResourceInUse(std::string msg) { return Make("ResourceInUseException", msg); }
  static ApiError ConditionalCheckFailed(std::string msg, std::string extra_json = {}) {
    return ApiError(400, "ConditionalCheckFailedException", std::move(msg), std::move(extra_json));
  }
  static ApiError TableNotFound(std::string msg) { return Make("TableNotFoundException", msg); }
  static ApiError PointInTimeRecoveryUnavailable(std::string msg) {
    return Make("PointInTimeRecoveryUnavailableException", msg);
  }
  static ApiError ContinuousBackupsUnavailable(std::string msg) {
    return Make("ContinuousBackupsUnavailableException", msg);
  }
  static ApiError InvalidExportTime(std::string msg) {
    return Make("InvalidExportTimeException", msg);
  }
  static ApiError TableAlreadyExists(std::string msg) {
    return Make("TableAlreadyExistsException", msg);
  }
  static ApiError InvalidRestoreTime(std::string msg) {
    return Make("InvalidRestoreTimeException", msg);
  }
  static ApiError ExportConflict(std::string msg) { return Make("ExportConflictException", msg); }
  static ApiError ExportNotFound(std::string msg) { return Make("ExportNotFoundException", msg); }
  static ApiError LimitExceeded(std::string msg) { return Make("LimitExceededException", msg); }
  static ApiError BackupNotFound(std::string msg) { return Make("BackupNotFoundException", msg); }
  static ApiError BackupInUse(std::string msg) { return Make("BackupInUseException", msg); }
  static ApiError TableInUse(std::string msg) { return Make("TableInUseException", msg); }
  static ApiError TransactionCanceled(std::string msg, std::string extra_json) {
    return ApiError(400, "TransactionCanceledException", std::move(msg), std::move(extra_json));
  }
  static ApiError TransactionConflict(std::string msg) {
    return Make("TransactionConflictException", msg);
  }
  static ApiError IdempotentParameterMismatch(std::string msg) {
    return Make("IdempotentParameterMismatchException", msg);
  }
  static ApiError ItemCollectionSizeLimitExceeded(std::string msg) {
    return Make("ItemCollectionSizeLimitExceededException", msg);
  }
  static ApiError RequestEntityTooLarge(std::string msg) {
    return ApiError(413, "RequestEntityTooLarge", std::move(msg));
  }
  static ApiError AccessDenied(std::string msg) { return Make("AccessDeniedException", msg); }
  // Authentication (SigV4), raised before any operation runs. HTTP 400, as DynamoDB answers.
  static ApiError MissingAuthenticationToken(std::string msg) {
    return Make("MissingAuthenticationTokenException", msg);
  }
  static ApiError IncompleteSignature(std::string msg) {
    return Make("IncompleteSignatureException", msg);
  }
  static ApiError InvalidSignature(std::string msg) {
    return Make("InvalidSignatureException", msg);
  }
  static ApiError UnrecognizedClient(std::string msg) {
    return Make("UnrecognizedClientException", msg);
  }
  // HTTP 403 AccessDeniedException: a browser's request refused before authentication (a Host
  // that is not loopback on a loopback server, an Origin not allowed). DynamoDB never sees these.
  static ApiError Forbidden(std::string msg) {
    return ApiError(403, "AccessDeniedException", std::move(msg));
  }
  // A failure of the server, not of the request. The client sees only a generic message;
  // `detail` (which may name files or carry RocksDB's text) is for the server's log alone.
  static ApiError Internal(std::string detail) {
    ApiError e(500, "InternalServerError", "Internal server error");
    e.log_detail_ = std::move(detail);
    return e;
  }
  // A temporary refusal (disk full, storage recovering): HTTP 503, which every AWS SDK retries.
  static ApiError ServiceUnavailable(std::string msg) {
    return ApiError(503, "ServiceUnavailable", std::move(msg));
  }
  // Load shedding: DynamoDB's throttling error, retried by every AWS SDK with back-off.
  static ApiError Throttling(std::string msg) { return Make("ThrottlingException", msg); }

  // What the server logs about an internal error (empty for client errors).
  const std::string& log_detail() const { return log_detail_; }

 private:
  static ApiError Make(const char* type, std::string& msg) {
    return ApiError(400, type, std::move(msg));
  }

  int http_status_;
  std::string type_;
  std::string message_;
  std::string extra_json_;
  std::string log_detail_;
};

}  // namespace tideline
