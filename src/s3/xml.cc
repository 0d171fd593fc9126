#include "s3/xml.h"

#include <cstdint>

namespace tideline::s3::xml {
namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Parses the numeric reference body ("#65" or "#x41"); false if malformed.
bool ParseCharRef(std::string_view ref, uint32_t* cp) {
  if (ref.size() < 2 || ref[0] != '#') return false;
  bool hex = ref[1] == 'x' || ref[1] == 'X';
  std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return false;
  uint32_t v = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    v = v * (hex ? 16 : 10) + d;
  }
  if (v > 0x10FFFF) return false;
  *cp = v;
  return true;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back(text[i++]);
      continue;
    }
    std::string_view ref = text.substr(i + 1, semi - i - 1);
    uint32_t cp;
    if (ref == "amp") {
      out.push_back('&');
    } else if (ref == "lt") {
      out.push_back('<');
    } else if (ref == "gt") {
      out.push_back('>');
    } else if (ref == "quot") {
      out.push_back('"');
    } else if (ref == "apos") {
      out.push_back('\'');
    } else if (ParseCharRef(ref, &cp)) {
      AppendUtf8(cp, &out);
    } else {
      out.push_back(text[i++]);
      continue;
    }
    i = semi + 1;
  }
  return out;
}

bool ElementText(std::string_view doc, std::string_view tag, std::string* text, size_t from) {
  size_t pos = from;
  while (true) {
    size_t lt = doc.find('<', pos);
    if (lt == std::string_view::npos) return false;
    pos = lt + 1;
    if (doc.compare(lt + 1, tag.size(), tag) != 0) continue;
    size_t after = lt + 1 + tag.size();
    if (after >= doc.size()) return false;
    char c = doc[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\r' && c != '\n') continue;
    size_t gt = doc.find('>', after);
    if (gt == std::string_view::npos) return false;
    if (doc[gt - 1] == '/') {  // <tag/>
      text->clear();
      return true;
    }
    std::string close = "</";
    close.append(tag).push_back('>');
    size_t end = doc.find(close, gt + 1);
    if (end == std::string_view::npos) return false;
    *text = Unescape(doc.substr(gt + 1, end - gt - 1));
    return true;
  }
}

bool ParseError(std::string_view body, std::string* code, std::string* message) {
  // The root must be <Error>: skip the XML declaration and whitespace, then look at the root.
  size_t pos = 0;
  while (true) {
    pos = body.find('<', pos);
    if (pos == std::string_view::npos) return false;
    if (body.compare(pos, 2, "<?") == 0 || body.compare(pos, 4, "<!--") == 0) {
      size_t end = body.find('>', pos);
      if (end == std::string_view::npos) return false;
      pos = end + 1;
      continue;
    }
    break;
  }
  if (body.compare(pos, 6, "<Error") != 0 ||
      (pos + 6 < body.size() && body[pos + 6] != '>' && body[pos + 6] != ' ')) {
    return false;
  }
  if (!ElementText(body, "Code", code, pos) || code->empty()) return false;
  if (!ElementText(body, "Message", message, pos)) message->clear();
  return true;
}

}  // namespace tideline::s3::xml
