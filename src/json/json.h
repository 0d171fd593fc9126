#pragma once
// The only way into RapidJSON. RAPIDJSON_ASSERT throws (a failed assertion must never abort the
// server on client input); parsing is iterative, so deep nesting cannot overflow the stack.

#include <stdexcept>
#include <string>
#include <string_view>

namespace tideline::json {
struct AssertionFailure : std::logic_error {
  using std::logic_error::logic_error;
};
}  // namespace tideline::json

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x) \
  do {                      \
    if (!(x)) throw ::tideline::json::AssertionFailure("json assertion: " #x); \
  } while (0)
#endif
#define RAPIDJSON_NOEXCEPT_ASSERT(x) ((void)0)
#define RAPIDJSON_HAS_STDSTRING 1

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tideline::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;
using Allocator = rapidjson::Document::AllocatorType;
using Buffer = rapidjson::StringBuffer;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// True when `text` nests arrays/objects no deeper than `limit` (strings are skipped; malformed
// text is left for the parser to reject).
inline bool NestingAtMost(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

// Parses `text` into `doc`, validating UTF-8. Returns false and sets *error to a human-readable
// reason on malformed input. Shallow documents (all real requests) use RapidJSON's fast
// recursive parser; deeper ones its iterative parser, so no input can exhaust the stack.
inline bool Parse(std::string_view text, Document* doc, std::string* error) {
  // A raw NUL byte is never valid JSON, and RapidJSON would take it for the end of the text.
  if (text.find('\0') != std::string_view::npos) {
    if (error) *error = "Invalid character (NUL byte) in the JSON text.";
    return false;
  }
  constexpr int kRecursiveParseDepth = 256;
  if (NestingAtMost(text, kRecursiveParseDepth)) {
    doc->Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  } else {
    doc->Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
        text.data(), text.size());
  }
  if (doc->HasParseError()) {
    if (error) *error = rapidjson::GetParseError_En(doc->GetParseError());
    return false;
  }
  return true;
}

// Member lookup that tolerates a non-object; nullptr when absent or JSON null.
inline const Value* Find(const Value& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(rapidjson::StringRef(name.data(), name.size()));
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

inline std::string_view AsView(const Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

inline void WriteString(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void WriteKey(Writer& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

inline std::string Print(const Value& v) {
  Buffer buf;
  Writer w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace tideline::json
