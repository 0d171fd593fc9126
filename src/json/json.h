#pragma once
// The only way into RapidJSON. RAPIDJSON_ASSERT throws (a failed assertion must never abort the
// server on client input); parsing is iterative, so deep nesting cannot overflow the stack.

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tideline::json {
struct AssertionFailure : std::logic_error {
  using std::logic_error::logic_error;
};
}  // namespace tideline::json

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x)                                                    \
  do {                                                                         \
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
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
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
    doc->Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(),
                                                                                       text.size());
  }
  if (doc->HasParseError()) {
    if (error) *error = rapidjson::GetParseError_En(doc->GetParseError());
    return false;
  }
  return true;
}

// The first member name that appears twice in one object of `root`, at any depth; nullopt when
// every object's names are distinct. RapidJSON keeps both members and lookups find the first,
// so a request that repeats a key would be read differently by Tideline and by whoever signed
// it. Iterative (documents may nest 200,000 deep); a small object is checked pairwise, a large
// one by sorting its names, so the walk costs little next to the parse.
inline std::optional<std::string_view> FindDuplicateKey(const Value& root) {
  constexpr rapidjson::SizeType kPairwiseLimit = 16;
  std::vector<const Value*> stack{&root};
  std::vector<std::string_view> names;
  while (!stack.empty()) {
    const Value* v = stack.back();
    stack.pop_back();
    if (v->IsArray()) {
      for (const Value& e : v->GetArray()) {
        if (e.IsObject() || e.IsArray()) stack.push_back(&e);
      }
      continue;
    }
    if (!v->IsObject()) continue;
    const rapidjson::SizeType n = v->MemberCount();
    auto name = [](const Value::ConstMemberIterator& m) {
      return std::string_view(m->name.GetString(), m->name.GetStringLength());
    };
    if (n <= kPairwiseLimit) {
      for (auto a = v->MemberBegin(); a != v->MemberEnd(); ++a) {
        for (auto b = a + 1; b != v->MemberEnd(); ++b) {
          if (name(a) == name(b)) return name(a);
        }
      }
    } else {
      names.clear();
      for (auto m = v->MemberBegin(); m != v->MemberEnd(); ++m) names.push_back(name(m));
      std::sort(names.begin(), names.end());
      auto dup = std::adjacent_find(names.begin(), names.end());
      if (dup != names.end()) return *dup;
    }
    for (auto m = v->MemberBegin(); m != v->MemberEnd(); ++m) {
      if (m->value.IsObject() || m->value.IsArray()) stack.push_back(&m->value);
    }
  }
  return std::nullopt;
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
