// ION lines: the Ion text an ION export writes, one item per line:
//   $ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Id:103.,PageCount:6d2}}
// (shared/spec/export-and-pitr.md §2.2). The reader takes the part of Ion text such lines can
// hold, written by any Ion writer (whitespace, comments, quoted or unquoted field names, long
// strings, any number notation), and maps it back by the export's table:
//   string -> S   decimal/int/float -> N   blob {{base64}} -> B   bool -> BOOL   null -> NULL
//   list -> L     struct -> M   list annotated $dynamodb_SS / $dynamodb_NS / $dynamodb_BS -> sets
// The item is rebuilt as wire JSON and checked with DynamoDB's rules (ItemFromWireJson).
// Anything else (a symbol value, a clob, a timestamp, an s-expression) is an error: DynamoDB
// has no such type.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "import/line_parser.h"
#include "json/json.h"

namespace tideline::importer {
namespace {

constexpr int kMaxDepth = 40;  // DynamoDB allows 32 levels; the rules reject deeper items

struct IonValue {
  enum Kind { kString, kNumber, kBlob, kBool, kNull, kList, kStruct };
  Kind kind = kNull;
  std::string text;  // string, number (wire N text), blob (base64)
  bool boolean = false;
  std::vector<std::string> annotations;
  std::vector<IonValue> items;           // list members; struct field values
  std::vector<std::string> field_names;  // struct field names, parallel to items
};

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

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

class IonReader {
 public:
  explicit IonReader(std::string_view text) : s_(text) {}

  // The line's top-level values: version markers, then one struct.
  bool ReadLine(IonValue* top, std::string* error) {
    bool have = false;
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size()) break;
      if (s_.substr(pos_).starts_with("$ion_1_0") &&
          (pos_ + 8 == s_.size() || !IsIdentChar(s_[pos_ + 8]))) {
        pos_ += 8;
        continue;
      }
      if (have) return Fail("more than one value on the line", error);
      if (!ReadValue(top, 0)) return Fail(error_, error);
      have = true;
    }
    if (!have) return Fail("the line holds no Ion value", error);
    return true;
  }

 private:
  bool Fail(const std::string& why, std::string* error) {
    *error = "Invalid Ion: " + why;
    return false;
  }
  bool Err(std::string why) {
    if (error_.empty()) error_ = std::move(why) + " at offset " + std::to_string(pos_);
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (s_.substr(pos_).starts_with("//")) {
        pos_ = s_.size();
      } else if (s_.substr(pos_).starts_with("/*")) {
        const size_t end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        break;
      }
    }
  }

  bool ReadHex(int digits, uint32_t* out) {
    *out = 0;
    for (int i = 0; i < digits; ++i) {
      if (pos_ >= s_.size()) return Err("truncated escape");
      const char c = s_[pos_++];
      uint32_t v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
      } else {
        return Err("bad hex digit in an escape");
      }
      *out = *out * 16 + v;
    }
    return true;
  }

  // The body of a quoted text up to `quote` (" or ' or '''), escapes decoded.
  bool ReadQuoted(std::string_view quote, std::string* out) {
    for (;;) {
      if (pos_ >= s_.size()) return Err("unterminated string");
      if (s_.substr(pos_).starts_with(quote)) {
        pos_ += quote.size();
        return true;
      }
      const char c = s_[pos_++];
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return Err("truncated escape");
      const char e = s_[pos_++];
      uint32_t cp = 0;
      switch (e) {
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case '0':
          out->push_back('\0');
          break;
        case 'a':
          out->push_back('\a');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'v':
          out->push_back('\v');
          break;
        case '"':
        case '\'':
        case '\\':
        case '/':
        case '?':
          out->push_back(e);
          break;
        case 'x':
          if (!ReadHex(2, &cp)) return false;
          AppendUtf8(cp, out);
          break;
        case 'u':
          if (!ReadHex(4, &cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_).starts_with("\\u")) {
            pos_ += 2;
            uint32_t low = 0;
            if (!ReadHex(4, &low)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        case 'U':
          if (!ReadHex(8, &cp)) return false;
          AppendUtf8(cp, out);
          break;
        case '\n':
          break;  // an escaped newline continues the string
        default:
          return Err(std::string("unknown escape \\") + e);
      }
    }
  }

  // A symbol: identifier or 'quoted'.
  bool ReadSymbol(std::string* out) {
    if (pos_ < s_.size() && s_[pos_] == '\'') {
      if (s_.substr(pos_).starts_with("'''")) return Err("a long string is not a symbol");
      ++pos_;
      return ReadQuoted("'", out);
    }
    if (pos_ >= s_.size() || !IsIdentStart(s_[pos_])) return Err("expected a symbol");
    const size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    out->assign(s_.substr(start, pos_ - start));
    return true;
  }

  bool ReadNumber(IonValue* v) {
    const size_t start = pos_;
    std::string text;
    if (s_[pos_] == '-' || s_[pos_] == '+') text.push_back(s_[pos_++]);
    bool digits = false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c >= '0' && c <= '9') {
        text.push_back(c);
        digits = true;
      } else if (c == '_') {
        // Ion allows underscores between digits.
      } else if (c == '.') {
        text.push_back('.');
      } else if (c == 'd' || c == 'D' || c == 'e' || c == 'E') {
        text.push_back('e');  // an Ion decimal exponent means what a DynamoDB number's does
        if (pos_ + 1 < s_.size() && (s_[pos_ + 1] == '-' || s_[pos_ + 1] == '+')) {
          text.push_back(s_[++pos_]);
        }
      } else {
        break;
      }
      ++pos_;
    }
    if (!digits) {
      pos_ = start;
      return Err("expected a value");
    }
    if (text.size() > 2 && (text.starts_with("0x") || text.starts_with("0b"))) {
      return Err("hexadecimal and binary integers are not supported");
    }
    v->kind = IonValue::kNumber;
    v->text = std::move(text);
    return true;
  }

  bool ReadValue(IonValue* v, int depth) {
    if (depth > kMaxDepth) return Err("nested too deeply");
    SkipSpace();
    if (pos_ >= s_.size()) return Err("expected a value");
    // Annotations: symbol '::' ...
    for (;;) {
      const size_t save = pos_;
      std::string symbol;
      if ((IsIdentStart(s_[pos_]) || (s_[pos_] == '\'' && !s_.substr(pos_).starts_with("'''"))) &&
          ReadSymbol(&symbol)) {
        SkipSpace();
        if (s_.substr(pos_).starts_with("::")) {
          pos_ += 2;
          SkipSpace();
          v->annotations.push_back(std::move(symbol));
          if (pos_ >= s_.size()) return Err("expected a value after an annotation");
          continue;
        }
      }
      error_.clear();
      pos_ = save;
      break;
    }
    const char c = s_[pos_];
    if (c == '"') {
      ++pos_;
      v->kind = IonValue::kString;
      return ReadQuoted("\"", &v->text);
    }
    if (s_.substr(pos_).starts_with("'''")) {
      // Adjacent long strings concatenate.
      v->kind = IonValue::kString;
      while (s_.substr(pos_).starts_with("'''")) {
        pos_ += 3;
        if (!ReadQuoted("'''", &v->text)) return false;
        SkipSpace();
      }
      return true;
    }
    if (s_.substr(pos_).starts_with("{{")) {
      pos_ += 2;
      const size_t end = s_.find("}}", pos_);
      if (end == std::string_view::npos) return Err("unterminated blob");
      for (char b : s_.substr(pos_, end - pos_)) {
        if (b == '"') return Err("a clob is not a DynamoDB value");
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r') v->text.push_back(b);
      }
      pos_ = end + 2;
      v->kind = IonValue::kBlob;
      return true;
    }
    if (c == '{') return ReadStruct(v, depth);
    if (c == '[') return ReadList(v, depth);
    if (c == '(') return Err("an s-expression is not a DynamoDB value");
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) return ReadNumber(v);
    if (IsIdentStart(c)) {
      std::string word;
      const size_t start = pos_;
      while (pos_ < s_.size() && (IsIdentChar(s_[pos_]) || s_[pos_] == '.')) ++pos_;
      word.assign(s_.substr(start, pos_ - start));
      if (word == "true" || word == "false") {
        v->kind = IonValue::kBool;
        v->boolean = word == "true";
        return true;
      }
      if (word == "null" || word == "null.null") {
        v->kind = IonValue::kNull;
        return true;
      }
      pos_ = start;
      return Err("the symbol or typed null '" + word + "' is not a DynamoDB value");
    }
    return Err(std::string("unexpected character '") + c + "'");
  }

  bool ReadList(IonValue* v, int depth) {
    ++pos_;  // [
    v->kind = IonValue::kList;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      IonValue item;
      if (!ReadValue(&item, depth + 1)) return false;
      v->items.push_back(std::move(item));
      SkipSpace();
      if (pos_ >= s_.size()) return Err("unterminated list");
      if (s_[pos_] == ',') {
        ++pos_;
        SkipSpace();
        if (pos_ < s_.size() && s_[pos_] == ']') {  // a trailing comma is allowed
          ++pos_;
          return true;
        }
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return Err("expected ',' or ']'");
    }
  }

  bool ReadStruct(IonValue* v, int depth) {
    ++pos_;  // {
    v->kind = IonValue::kStruct;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      std::string name;
      SkipSpace();
      if (pos_ >= s_.size()) return Err("unterminated struct");
      if (s_[pos_] == '"') {
        ++pos_;
        if (!ReadQuoted("\"", &name)) return false;
      } else if (!ReadSymbol(&name)) {
        return false;
      }
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Err("expected ':' after a field name");
      ++pos_;
      IonValue field;
      if (!ReadValue(&field, depth + 1)) return false;
      v->field_names.push_back(std::move(name));
      v->items.push_back(std::move(field));
      SkipSpace();
      if (pos_ >= s_.size()) return Err("unterminated struct");
      if (s_[pos_] == ',') {
        ++pos_;
        SkipSpace();
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return true;
        }
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return Err("expected ',' or '}'");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

bool WriteWire(json::Writer& w, const IonValue& v, std::string* error);

bool WriteSet(json::Writer& w, const IonValue& v, const std::string& annotation,
              std::string* error) {
  const char* type = annotation == "$dynamodb_SS"   ? "SS"
                     : annotation == "$dynamodb_NS" ? "NS"
                                                    : "BS";
  const IonValue::Kind member = annotation == "$dynamodb_SS"   ? IonValue::kString
                                : annotation == "$dynamodb_NS" ? IonValue::kNumber
                                                               : IonValue::kBlob;
  if (v.kind != IonValue::kList) {
    *error = "Invalid Ion: the annotation " + annotation + " is on a value that is not a list";
    return false;
  }
  w.StartObject();
  w.Key(type);
  w.StartArray();
  for (const IonValue& m : v.items) {
    if (m.kind != member) {
      *error = "Invalid Ion: a member of a " + annotation + " list has the wrong type";
      return false;
    }
    json::WriteString(w, m.text);
  }
  w.EndArray();
  w.EndObject();
  return true;
}

bool WriteWire(json::Writer& w, const IonValue& v, std::string* error) {
  for (const std::string& a : v.annotations) {
    if (a == "$dynamodb_SS" || a == "$dynamodb_NS" || a == "$dynamodb_BS") {
      return WriteSet(w, v, a, error);
    }
  }
  w.StartObject();
  switch (v.kind) {
    case IonValue::kString:
      w.Key("S");
      json::WriteString(w, v.text);
      break;
    case IonValue::kNumber:
      w.Key("N");
      json::WriteString(w, v.text);
      break;
    case IonValue::kBlob:
      w.Key("B");
      json::WriteString(w, v.text);
      break;
    case IonValue::kBool:
      w.Key("BOOL");
      w.Bool(v.boolean);
      break;
    case IonValue::kNull:
      w.Key("NULL");
      w.Bool(true);
      break;
    case IonValue::kList:
      w.Key("L");
      w.StartArray();
      for (const IonValue& m : v.items) {
        if (!WriteWire(w, m, error)) return false;
      }
      w.EndArray();
      break;
    case IonValue::kStruct:
      w.Key("M");
      w.StartObject();
      for (size_t i = 0; i < v.items.size(); ++i) {
        json::WriteKey(w, v.field_names[i]);
        if (!WriteWire(w, v.items[i], error)) return false;
      }
      w.EndObject();
      break;
  }
  w.EndObject();
  return true;
}

class IonParser : public LineParser {
 public:
  Result Parse(std::string_view line, model::Item* item, std::string* error) override {
    IonValue top;
    if (!IonReader(line).ReadLine(&top, error)) return Result::kError;
    const IonValue* map = nullptr;
    if (top.kind == IonValue::kStruct) {
      for (size_t i = 0; i < top.items.size(); ++i) {
        if (top.field_names[i] == "Item") map = &top.items[i];
      }
    }
    if (!map) {
      *error = "The line has no Item field: it is not an item in Ion format";
      return Result::kError;
    }
    if (map->kind != IonValue::kStruct) {
      *error = "The Item field is not an Ion struct";
      return Result::kError;
    }
    json::Buffer buf;
    json::Writer w(buf);
    w.StartObject();
    for (size_t i = 0; i < map->items.size(); ++i) {
      json::WriteKey(w, map->field_names[i]);
      if (!WriteWire(w, map->items[i], error)) return Result::kError;
    }
    w.EndObject();
    if (!ItemFromWireJson(std::string_view(buf.GetString(), buf.GetSize()), item, error)) {
      return Result::kError;
    }
    return Result::kItem;
  }
};

}  // namespace

std::unique_ptr<LineParser> NewIonParser() { return std::make_unique<IonParser>(); }

}  // namespace tideline::importer
