#include "http/dispatcher.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "json/json.h"

namespace tideline::http {
namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";

// The namespace real DynamoDB puts before '#' in __type. Coral (the AWS service framework)
// raises the protocol-level errors itself, so they carry its namespace, not DynamoDB's.
std::string_view TypeNamespace(std::string_view type) {
  if (type == "ValidationException") return "com.amazon.coral.validate#";
  if (type == "SerializationException" || type == "UnknownOperationException" ||
      type == "AccessDeniedException" || type == "MissingAuthenticationTokenException" ||
      type == "IncompleteSignatureException" || type == "InvalidSignatureException" ||
      type == "UnrecognizedClientException") {
    return "com.amazon.coral.service#";
  }
  return ApiError::kTypePrefix;
}

// DynamoDB capitalizes the member for these two (dynalite's tests and boto3 issue #2657 show
// the real bodies); every other error uses "message".
std::string_view MessageKey(std::string_view type) {
  return type == "SerializationException" || type == "TransactionCanceledException" ? "Message"
                                                                                    : "message";
}

void AppendJsonString(std::string* out, std::string_view s) {
  json::Buffer buf;
  json::Writer writer(buf);
  json::WriteString(writer, s);
  out->append(buf.GetString(), buf.GetSize());
}

DispatchResult Error(const ApiError& e) { return {e.http_status(), ErrorBody(e)}; }

DispatchResult BareError(const char* type) { return Error(ApiError(400, type, std::string())); }

// Parsing reuses one arena per thread: a request's JSON then costs no malloc in the common case.
// Safe because Dispatch never suspends and operations return their response by value (they keep
// no reference into the request document).
class JsonArena {
 public:
  JsonArena() : buffer_(new char[kBufferSize]), allocator_(buffer_.get(), kBufferSize) {}
  json::Allocator& allocator() { return allocator_; }
  // Drops everything allocated since the last Reset (chunks beyond the buffer are freed).
  void Reset() { allocator_.Clear(); }

 private:
  static constexpr size_t kBufferSize = 64 * 1024;
  std::unique_ptr<char[]> buffer_;
  json::Allocator allocator_;
};

class ArenaScope {
 public:
  explicit ArenaScope(JsonArena& arena) : arena_(arena) {}
  ~ArenaScope() { arena_.Reset(); }

 private:
  JsonArena& arena_;
};

}  // namespace

std::string ErrorBody(const ApiError& error) {
  const std::string& type = error.type();
  std::string out;
  out.reserve(64 + type.size() + error.message().size() + error.extra_json().size());
  out.append("{\"__type\":");
  std::string full_type(TypeNamespace(type));
  full_type.append(type);
  AppendJsonString(&out, full_type);
  if (!error.extra_json().empty()) {
    out.push_back(',');
    out.append(error.extra_json());
  }
  if (!error.message().empty()) {
    out.append(",\"");
    out.append(MessageKey(type));
    out.append("\":");
    AppendJsonString(&out, error.message());
  }
  out.push_back('}');
  return out;
}

DispatchResult Dispatch(api::Context& ctx, std::string_view target_header, std::string_view body) {
  return Dispatch(ctx, target_header, body, &api::FindOperation);
}

DispatchResult Dispatch(api::Context& ctx, std::string_view target_header, std::string_view body,
                        OperationLookup lookup) {
  thread_local JsonArena arena;
  ArenaScope scope(arena);
  std::string_view op_name;  // for the log line of an internal error
  try {
    json::Document doc(&arena.allocator());
    if (!body.empty() && !json::Parse(body, &doc, nullptr)) {
      return BareError("SerializationException");
    }
    api::Operation op = nullptr;
    if (target_header.size() > kTargetPrefix.size() && target_header.starts_with(kTargetPrefix)) {
      std::string_view name = target_header.substr(kTargetPrefix.size());
      if (name.find('.') == std::string_view::npos) op = lookup(name);
      if (op) op_name = name;
    }
    if (!op) return BareError("UnknownOperationException");
    if (body.empty() || !doc.IsObject()) return BareError("SerializationException");
    return {200, op(ctx, doc)};
  } catch (const ApiError& e) {
    return Error(e);
  } catch (const std::exception& e) {
    spdlog::error("{} failed with an internal error: {}", op_name, e.what());
  } catch (...) {
    spdlog::error("{} failed with a non-standard exception", op_name);
  }
  return Error(ApiError::Internal("Internal server error"));
}

}  // namespace tideline::http
