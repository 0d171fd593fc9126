#include "http/dispatcher.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "api/console_operations.h"
#include "api/request_metrics.h"
#include "json/json.h"

namespace tideline::http {
namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
// The DynamoDB Streams API's, whose operations are always api::FindStreamsOperation's.
constexpr std::string_view kStreamsTargetPrefix = "DynamoDBStreams_20120810.";

// Every error carries DynamoDB's own namespace and a "message", as the project's wire contract
// prescribes (docs/wire-protocol.md). Real DynamoDB sends ValidationException,
// SerializationException and UnknownOperationException under Coral's namespaces
// (com.amazon.coral.validate# / com.amazon.coral.service#), some without a message; SDKs read
// the name after '#', so both parse the same.
void AppendJsonString(std::string* out, std::string_view s) {
  json::Buffer buf;
  json::Writer writer(buf);
  json::WriteString(writer, s);
  out->append(buf.GetString(), buf.GetSize());
}

DispatchResult Error(const ApiError& e) { return {e.http_status(), ErrorBody(e)}; }

DispatchResult BareError(const char* type, std::string message) {
  return Error(ApiError(400, type, std::move(message)));
}

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

// A client string (the target, a JSON key) as it may be echoed in a message: at most 256 bytes cut
// on a character boundary, invalid UTF-8 replaced by U+FFFD, so the error body stays valid JSON
// text for every SDK.
std::string PrintableText(std::string_view target) {
  std::string out;
  size_t i = 0;
  while (i < target.size() && out.size() < 256) {
    const auto c = static_cast<unsigned char>(target[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    bool valid = len > 0 && i + len <= target.size();
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(target[i + k]) & 0xc0) == 0x80;
    }
    if (valid && len > 1) {
      // Reject overlong forms, surrogates and code points past U+10FFFF.
      uint32_t cp = c & (0xff >> (len + 1));
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (target[i + k] & 0x3f);
      valid = !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) &&
              !(len == 4 && cp < 0x10000) && !(cp >= 0xd800 && cp <= 0xdfff) && cp <= 0x10ffff;
    }
    if (!valid) {
      if (out.size() + 3 > 256) break;
      out += "\xef\xbf\xbd";
      ++i;
      continue;
    }
    if (out.size() + len > 256) break;
    out.append(target.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

std::string ErrorBody(const ApiError& error) {
  const std::string& type = error.type();
  std::string out;
  out.reserve(64 + type.size() + error.message().size() + error.extra_json().size());
  out.append("{\"__type\":");
  std::string full_type(ApiError::kTypePrefix);
  full_type.append(type);
  AppendJsonString(&out, full_type);
  if (!error.extra_json().empty()) {
    out.push_back(',');
    out.append(error.extra_json());
  }
  out.append(",\"message\":");
  AppendJsonString(&out, error.message());
  out.push_back('}');
  return out;
}

DispatchResult Dispatch(api::Context& ctx, std::string_view target_header, std::string_view body) {
  return Dispatch(ctx, target_header, body, &api::FindOperation);
}

namespace {

// Dispatch without the metrics; *op_name_out receives the operation's name once known ("-"
// until then).
DispatchResult DispatchUnmeasured(api::Context& ctx, std::string_view target_header,
                                  std::string_view body, OperationLookup lookup,
                                  std::string_view request_id, std::string_view* op_name_out) {
  thread_local JsonArena arena;
  ArenaScope scope(arena);
  std::string_view& op_name = *op_name_out;  // also for the log line of an internal error
  op_name = "-";
  if (request_id.empty()) request_id = "-";
  try {
    json::Document doc(&arena.allocator());
    std::string parse_error;
    if (!body.empty() && !json::Parse(body, &doc, &parse_error)) {
      return BareError(
          "SerializationException",
          "The request body is not valid JSON: " + parse_error + " (at byte " +
              std::to_string(doc.HasParseError() ? doc.GetErrorOffset() : body.find('\0')) + ")");
    }
    if (!body.empty()) {
      // DynamoDB's exact wording for a repeated key is not known; this names the key the way
      // Jackson's strict duplicate detection (the Java deserializers' behaviour) does.
      if (auto dup = json::FindDuplicateKey(doc)) {
        return BareError("SerializationException", "Duplicate field '" + PrintableText(*dup) + "'");
      }
    }
    api::Operation op = nullptr;
    if (target_header.size() > kTargetPrefix.size() && target_header.starts_with(kTargetPrefix)) {
      std::string_view name = target_header.substr(kTargetPrefix.size());
      if (name.find('.') == std::string_view::npos) op = lookup(name);
      if (op) op_name = name;
    } else if (target_header.size() > kStreamsTargetPrefix.size() &&
               target_header.starts_with(kStreamsTargetPrefix)) {
      std::string_view name = target_header.substr(kStreamsTargetPrefix.size());
      if (name.find('.') == std::string_view::npos) op = api::FindStreamsOperation(name);
      if (op) op_name = name;
    } else if (target_header.size() > api::kConsoleTargetPrefix.size() &&
               target_header.starts_with(api::kConsoleTargetPrefix)) {
      std::string_view name = target_header.substr(api::kConsoleTargetPrefix.size());
      if (name.find('.') == std::string_view::npos) op = api::FindConsoleOperation(name);
      if (op) op_name = name;
    }
    if (!op) {
      return BareError("UnknownOperationException",
                       target_header.empty()
                           ? std::string("Missing X-Amz-Target header")
                           : "Unknown operation: " + PrintableText(target_header));
    }
    if (body.empty() || !doc.IsObject()) {
      return BareError("SerializationException", "The request body must be a JSON object");
    }
    return {200, op(ctx, doc)};
  } catch (const ApiError& e) {
    if (!e.log_detail().empty()) {
      spdlog::error("request {} {}: internal error: {}", request_id, op_name, e.log_detail());
    }
    return Error(e);
  } catch (const std::exception& e) {
    spdlog::error("request {} {}: internal error: {}", request_id, op_name, e.what());
  } catch (...) {
    spdlog::error("request {} {}: internal error: a non-standard exception", request_id, op_name);
  }
  return Error(ApiError::Internal("Internal server error"));
}

}  // namespace

DispatchResult Dispatch(api::Context& ctx, std::string_view target_header, std::string_view body,
                        OperationLookup lookup, std::string_view request_id) {
  const auto started = std::chrono::steady_clock::now();
  std::string_view op_name;
  DispatchResult result =
      DispatchUnmeasured(ctx, target_header, body, lookup, request_id, &op_name);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  result.micros = static_cast<uint64_t>(micros);
  api::RecordRequest(op_name, result.status, result.micros);
  return result;
}

}  // namespace tideline::http
