#include "storage/ttl_expiry.h"

#include <cstdlib>
#include <string>

#include "json/json.h"

namespace tideline::storage {

namespace {

// Whether the JSON text of `name` is the name itself between quotes (nothing to escape).
bool PlainName(std::string_view name) {
  for (char c : name) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

}  // namespace

bool ItemExpired(std::string_view item_json, std::string_view attribute, int64_t now_seconds) {
  // Most items of a sweep are not expired: a substring test spares parsing those without a
  // Number under that name anywhere (the parse below decides for the others).
  if (PlainName(attribute)) {
    std::string needle;
    needle.reserve(attribute.size() + 10);
    needle.append("\"").append(attribute).append("\":{\"N\":");
    if (item_json.find(needle) == std::string_view::npos) return false;
  }
  json::Document doc;
  if (!json::Parse(item_json, &doc, nullptr) || !doc.IsObject()) return false;
  const json::Value* value = json::Find(doc, attribute);
  if (!value || !value->IsObject() || value->MemberCount() != 1) return false;
  const json::Value* number = json::Find(*value, "N");
  if (!number || !number->IsString()) return false;
  const std::string text(json::AsView(*number));
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return false;
  const double now = static_cast<double>(now_seconds);
  return seconds < now && now - seconds < static_cast<double>(kTtlMaxAgeSeconds);
}

}  // namespace tideline::storage
