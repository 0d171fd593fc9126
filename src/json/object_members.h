#pragma once
// Walks the top-level members of a JSON object's text without building a document, so that a
// reader that needs a few attributes of a stored item (index maintenance, backfills) decodes
// only those. It is a lexer for text this server wrote itself (compact or not), not a
// validator: anything it does not expect (an escaped member name, a stray character) makes it
// give up, and the caller then parses the whole text as before.

#include <cstddef>
#include <string_view>

namespace tideline::json {

namespace detail {

inline size_t SkipSpace(std::string_view t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  return i;
}

// From the opening quote at t[i]: the index past the closing one, or npos.
inline size_t SkipString(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// From the first character of a value: the index past it, or npos.
inline size_t SkipValue(std::string_view t, size_t i) {
  if (i >= t.size()) return std::string_view::npos;
  if (t[i] == '"') return SkipString(t, i);
  if (t[i] == '{' || t[i] == '[') {
    int depth = 0;
    while (i < t.size()) {
      const char c = t[i];
      if (c == '"') {
        i = SkipString(t, i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }
  // A number or a literal.
  while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\n' &&
         t[i] != '\t' && t[i] != '\r') {
    ++i;
  }
  return i;
}

}  // namespace detail

// Calls fn(name, value_text) for each member of the object `text`, in order. False (after
// calling fn for some members, perhaps) when the text is not an object this lexer can walk:
// the caller must then parse the text itself.
template <typename Fn>
bool ForEachObjectMember(std::string_view text, Fn&& fn) {
  using detail::SkipSpace;
  size_t i = SkipSpace(text, 0);
  if (i >= text.size() || text[i] != '{') return false;
  i = SkipSpace(text, i + 1);
  if (i < text.size() && text[i] == '}') return SkipSpace(text, i + 1) == text.size();
  for (;;) {
    if (i >= text.size() || text[i] != '"') return false;
    const size_t name_end = detail::SkipString(text, i);
    if (name_end == std::string_view::npos) return false;
    const std::string_view name = text.substr(i + 1, name_end - i - 2);
    if (name.find('\\') != std::string_view::npos) return false;  // escaped: left to the parser
    i = SkipSpace(text, name_end);
    if (i >= text.size() || text[i] != ':') return false;
    const size_t value_begin = SkipSpace(text, i + 1);
    const size_t value_end = detail::SkipValue(text, value_begin);
    if (value_end == std::string_view::npos || value_end == value_begin) return false;
    fn(name, text.substr(value_begin, value_end - value_begin));
    i = SkipSpace(text, value_end);
    if (i >= text.size()) return false;
    if (text[i] == '}') return SkipSpace(text, i + 1) == text.size();
    if (text[i] != ',') return false;
    i = SkipSpace(text, i + 1);
  }
}

}  // namespace tideline::json
