#include "http/request_log.h"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <string>

namespace tideline::http {

namespace {

// The part of X-Amz-Target after its service prefix ("DynamoDB_20120810.PutItem" -> "PutItem");
// anything that is not printable is left out of the log.
std::string OperationOf(std::string_view target) {
  if (auto dot = target.rfind('.'); dot != std::string_view::npos) target.remove_prefix(dot + 1);
  if (target.empty()) return "-";
  std::string out;
  for (char c : target.substr(0, 64)) out.push_back(c > ' ' && c < 127 ? c : '?');
  return out;
}

// The request's TableName. Table names are [a-zA-Z0-9_.-], so the value needs no unescaping; a
// body that is compressed, or whose TableName is anything else, logs "-".
std::string_view TableOf(std::string_view body) {
  constexpr std::string_view kKey = "\"TableName\"";
  size_t at = body.find(kKey);
  if (at == std::string_view::npos) return "-";
  at += kKey.size();
  while (at < body.size() && (body[at] == ' ' || body[at] == ':' || body[at] == '\t')) ++at;
  if (at >= body.size() || body[at] != '"') return "-";
  const size_t begin = ++at;
  while (at < body.size() && at - begin <= 255) {
    const char c = body[at];
    if (c == '"') return at == begin ? "-" : body.substr(begin, at - begin);
    const bool name_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!name_char) return "-";
    ++at;
  }
  return "-";
}

// "Type: message" of a DynamoDB error body ({"__type":"...#Type","message":"..."}); the body
// as it is (shortened) when it is not one.
std::string ErrorOf(std::string_view reply_body) {
  rapidjson::Document doc;
  doc.Parse(reply_body.data(), reply_body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    std::string type = "-", message;
    // HasMember + operator[] rather than FindMember: clang's C++20 check finds rapidjson's
    // iterator != ambiguous (-Wambiguous-reversed-operator).
    if (doc.HasMember("__type") && doc["__type"].IsString()) {
      type = doc["__type"].GetString();
      if (auto hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
    }
    for (const char* key : {"message", "Message"}) {
      if (doc.HasMember(key) && doc[key].IsString()) message = doc[key].GetString();
    }
    if (message.size() > 500) message.resize(500);
    return message.empty() ? type : type + ": " + message;
  }
  std::string raw(reply_body.substr(0, 200));
  for (char& c : raw) {
    if (c < ' ' || c == 127) c = ' ';
  }
  return raw.empty() ? "(no body)" : raw;
}

}  // namespace

bool WantsRequestLine(int status) {
  return status >= 400 || spdlog::should_log(spdlog::level::debug);
}

void LogRequest(const RequestOutcome& r) {
  const std::string operation = OperationOf(r.amz_target);
  const std::string_view table = TableOf(r.body);
  if (r.status < 400) {
    spdlog::debug("request {} {} {} {} {:.3f} ms", r.request_id, operation, table, r.status,
                  r.millis);
    return;
  }
  const auto level = r.status >= 500 ? spdlog::level::err : spdlog::level::warn;
  spdlog::log(level, "request {} {} {} {} {:.3f} ms {}", r.request_id, operation, table, r.status,
              r.millis, ErrorOf(r.reply_body));
}

}  // namespace tideline::http
