// Export line formatters. The Ion writer is a RapidJSON SAX handler: the item JSON is read once,
// event by event, and Ion text is written as the events arrive, with no DOM and no allocation
// per item (the frame stack is a fixed array; the reader and its scratch copy are reused per
// thread). An export formats every item of a table through here, so this is a hot path.

#include "export/item_format.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "json/json.h"
#include "model/decimal.h"

namespace tideline::exporter {

void AppendDynamoDbJsonLine(std::string_view item_json, std::string* out) {
  static constexpr std::string_view kOpen = "{\"Item\":";
  out->reserve(out->size() + kOpen.size() + item_json.size() + 2);
  out->append(kOpen);
  out->append(item_json);
  out->append("}\n");
}

namespace {

constexpr std::string_view kIonLineStart = "$ion_1_0 {Item:";
constexpr char kHex[] = "0123456789abcdef";

// Appends `text` escaped for an Ion short string (quote '"') or quoted symbol (quote '\'').
// Bytes >= 0x80 pass through: the reader has validated the UTF-8.
void AppendIonEscaped(std::string_view text, char quote, std::string* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* run = p;
    while (p < end) {
      const auto c = static_cast<unsigned char>(*p);
      if (c < 0x20 || c == 0x7F || c == '\\' || c == static_cast<unsigned char>(quote)) break;
      ++p;
    }
    out->append(run, p);
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    out->push_back('\\');
    switch (c) {
      case '\n':
        out->push_back('n');
        break;
      case '\r':
        out->push_back('r');
        break;
      case '\t':
        out->push_back('t');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '"':
        out->push_back('"');
        break;
      case '\'':
        out->push_back('\'');
        break;
      default:
        out->push_back('x');
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
}

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool IsIdentifierPart(char c) { return IsIdentifierStart(c) || (c >= '0' && c <= '9'); }

// True when `name` can be written as an unquoted Ion identifier and read back as the same text:
// it must match the identifier grammar, not be a keyword, and not be $<digits> (a symbol ID).
bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || !IsIdentifierStart(name[0])) return false;
  bool all_digits_after_dollar = name[0] == '$' && name.size() > 1;
  for (size_t i = 1; i < name.size(); ++i) {
    if (!IsIdentifierPart(name[i])) return false;
    if (name[i] < '0' || name[i] > '9') all_digits_after_dollar = false;
  }
  if (all_digits_after_dollar) return false;
  return name != "null" && name != "nan" && name != "true" && name != "false";
}

void AppendFieldName(std::string_view name, std::string* out) {
  if (IsPlainIdentifier(name)) {
    out->append(name);
  } else {
    out->push_back('\'');
    AppendIonEscaped(name, '\'', out);
    out->push_back('\'');
  }
}

bool IsBase64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding) return false;  // '=' only at the end
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
          c == '/')) {
      return false;
    }
  }
  return padding <= 2;
}

// DynamoDB type descriptors; a local table so this hot path needs nothing else from model/.
enum class Ty : uint8_t { kNone, kS, kN, kB, kBool, kNull, kL, kM, kSS, kNS, kBS };

Ty TypeFromName(std::string_view n) {
  switch (n.size()) {
    case 1:
      if (n[0] == 'S') return Ty::kS;
      if (n[0] == 'N') return Ty::kN;
      if (n[0] == 'B') return Ty::kB;
      if (n[0] == 'L') return Ty::kL;
      if (n[0] == 'M') return Ty::kM;
      return Ty::kNone;
    case 2:
      if (n == "SS") return Ty::kSS;
      if (n == "NS") return Ty::kNS;
      if (n == "BS") return Ty::kBS;
      return Ty::kNone;
    case 4:
      if (n == "BOOL") return Ty::kBool;
      if (n == "NULL") return Ty::kNull;
      return Ty::kNone;
    default:
      return Ty::kNone;
  }
}

// SAX handler: a stack of frames mirrors where the reader is in the item.
class IonWriter {
 public:
  explicit IonWriter(std::string* out) : out_(out) {}

  const char* error() const { return error_; }
  bool done() const { return done_; }

  bool StartObject() {
    if (depth_ == 0) {
      if (done_) return Fail("trailing value");
      out_->push_back('{');  // the item map, after the caller's "$ion_1_0 {Item:"
      return Push(Kind::kMap);
    }
    Frame& top = frames_[depth_ - 1];
    switch (top.kind) {
      case Kind::kMap:
        if (!top.awaiting_value) return Fail("object where a name belongs");
        top.awaiting_value = false;
        return Push(Kind::kWrapper);
      case Kind::kList:
        Separator(top);
        return Push(Kind::kWrapper);
      case Kind::kWrapper:
        if (top.phase != Phase::kValue || top.type != Ty::kM) return Fail("unexpected object");
        top.phase = Phase::kEnd;
        out_->push_back('{');
        return Push(Kind::kMap);
      case Kind::kSet:
        return Fail("object in a set");
    }
    return Fail("unexpected object");
  }

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 0) return Fail("unexpected name");
    Frame& top = frames_[depth_ - 1];
    if (top.kind == Kind::kMap && !top.awaiting_value) {
      Separator(top);
      AppendFieldName(std::string_view(s, n), out_);
      out_->push_back(':');
      top.awaiting_value = true;
      return true;
    }
    if (top.kind == Kind::kWrapper && top.phase == Phase::kType) {
      top.type = TypeFromName(std::string_view(s, n));
      if (top.type == Ty::kNone) return Fail("unknown attribute type");
      top.phase = Phase::kValue;
      return true;
    }
    return Fail("unexpected name (an attribute value must have exactly one type)");
  }

  bool EndObject(rapidjson::SizeType) {
    if (depth_ == 0) return Fail("unbalanced object");
    Frame& top = frames_[depth_ - 1];
    if (top.kind == Kind::kMap && !top.awaiting_value) {
      out_->push_back('}');
      --depth_;
      if (depth_ == 0) done_ = true;
      return true;
    }
    if (top.kind == Kind::kWrapper && top.phase == Phase::kEnd) {
      --depth_;
      return true;
    }
    return Fail("incomplete attribute value");
  }

  bool String(const char* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    if (depth_ == 0) return Fail("unexpected string");
    Frame& top = frames_[depth_ - 1];
    if (top.kind == Kind::kSet) {
      Separator(top);
      return Scalar(top.type == Ty::kSS ? Ty::kS : top.type == Ty::kNS ? Ty::kN : Ty::kB, text);
    }
    if (top.kind != Kind::kWrapper || top.phase != Phase::kValue) {
      return Fail("unexpected string");
    }
    top.phase = Phase::kEnd;
    return Scalar(top.type, text);
  }

  bool Bool(bool b) {
    if (depth_ == 0) return Fail("unexpected boolean");
    Frame& top = frames_[depth_ - 1];
    if (top.kind != Kind::kWrapper || top.phase != Phase::kValue) {
      return Fail("unexpected boolean");
    }
    top.phase = Phase::kEnd;
    if (top.type == Ty::kBool) {
      out_->append(b ? "true" : "false");
      return true;
    }
    if (top.type == Ty::kNull && b) {
      out_->append("null");
      return true;
    }
    return Fail("boolean where another type belongs");
  }

  bool StartArray() {
    if (depth_ == 0) return Fail("unexpected array");
    Frame& top = frames_[depth_ - 1];
    if (top.kind != Kind::kWrapper || top.phase != Phase::kValue) {
      return Fail("unexpected array");
    }
    top.phase = Phase::kEnd;
    switch (top.type) {
      case Ty::kL:
        out_->push_back('[');
        return Push(Kind::kList);
      case Ty::kSS:
      case Ty::kNS:
      case Ty::kBS: {
        const Ty set_type = top.type;
        out_->append(set_type == Ty::kSS   ? "$dynamodb_SS::["
                     : set_type == Ty::kNS ? "$dynamodb_NS::["
                                           : "$dynamodb_BS::[");
        if (!Push(Kind::kSet)) return false;
        frames_[depth_ - 1].type = set_type;
        return true;
      }
      default:
        return Fail("array where another type belongs");
    }
  }

  bool EndArray(rapidjson::SizeType) {
    if (depth_ == 0) return Fail("unbalanced array");
    const Kind kind = frames_[depth_ - 1].kind;
    if (kind != Kind::kList && kind != Kind::kSet) return Fail("unbalanced array");
    out_->push_back(']');
    --depth_;
    return true;
  }

  // Wire JSON has no bare numbers or nulls: N is a string and NULL is {"NULL":true}.
  bool Null() { return Fail("JSON null"); }
  bool Int(int) { return Fail("JSON number (N must be a string)"); }
  bool Uint(unsigned) { return Fail("JSON number (N must be a string)"); }
  bool Int64(int64_t) { return Fail("JSON number (N must be a string)"); }
  bool Uint64(uint64_t) { return Fail("JSON number (N must be a string)"); }
  bool Double(double) { return Fail("JSON number (N must be a string)"); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return Fail("JSON number"); }

 private:
  enum class Kind : uint8_t { kMap, kWrapper, kList, kSet };
  enum class Phase : uint8_t { kType, kValue, kEnd };  // of a {"T": v} wrapper
  struct Frame {
    Kind kind;
    Phase phase;
    Ty type;              // wrapper: the value's type; set: SS/NS/BS
    bool first;           // map/list/set: no separator before the next member
    bool awaiting_value;  // map: a name was written, its wrapper must follow
  };
  // DynamoDB nests at most 32 levels; each level takes two frames (wrapper + map/list).
  static constexpr size_t kMaxFrames = 80;

  bool Push(Kind kind) {
    if (depth_ == kMaxFrames) return Fail("nesting too deep");
    frames_[depth_++] = Frame{kind, Phase::kType, Ty::kNone, true, false};
    return true;
  }

  void Separator(Frame& f) {
    if (!f.first) out_->push_back(',');
    f.first = false;
  }

  bool Scalar(Ty type, std::string_view text) {
    switch (type) {
      case Ty::kS:
        out_->push_back('"');
        AppendIonEscaped(text, '"', out_);
        out_->push_back('"');
        return true;
      case Ty::kN: {
        auto number = model::Decimal::Parse(text, nullptr);
        if (!number) return Fail("invalid number");
        out_->append(number->ToIonText());
        return true;
      }
      case Ty::kB:
        if (!IsBase64(text)) return Fail("invalid base64");
        out_->append("{{");
        out_->append(text);
        out_->append("}}");
        return true;
      default:
        return Fail("string where another type belongs");
    }
  }

  bool Fail(const char* why) {
    if (!error_) error_ = why;
    return false;
  }

  std::string* out_;
  std::array<Frame, kMaxFrames> frames_;
  size_t depth_ = 0;
  bool done_ = false;
  const char* error_ = nullptr;
};

// True when every byte is < 0x80, checked eight bytes at a time.
bool IsAscii(std::string_view text) {
  const char* p = text.data();
  size_t n = text.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (word & 0x8080808080808080ULL) return false;
  }
  for (; n > 0; ++p, --n) {
    if (static_cast<unsigned char>(*p) & 0x80) return false;
  }
  return true;
}

template <unsigned kFlags>
rapidjson::ParseResult ParseItem(char* text, IonWriter* writer, size_t* consumed) {
  // Reused per thread: its internal stack (iterative parsing state) grows once, not per item.
  thread_local rapidjson::Reader reader;
  rapidjson::InsituStringStream stream(text);
  rapidjson::ParseResult result =
      reader.Parse<kFlags | rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag>(stream,
                                                                                          *writer);
  *consumed = stream.Tell();
  return result;
}

}  // namespace

Status AppendIonItem(std::string_view item_json, std::string* out) {
  // Parsed in place in a per-thread copy: strings are decoded where they lie, so the reader
  // copies nothing. UTF-8 is validated only when non-ASCII bytes are present (the common
  // all-ASCII item skips RapidJSON's per-character validation, the slowest part of parsing).
  thread_local std::string scratch;
  scratch.assign(item_json);
  const size_t original_size = out->size();
  IonWriter writer(out);
  rapidjson::ParseResult result;
  size_t consumed = 0;
  try {
    result =
        IsAscii(item_json)
            ? ParseItem<rapidjson::kParseDefaultFlags>(scratch.data(), &writer, &consumed)
            : ParseItem<rapidjson::kParseValidateEncodingFlag>(scratch.data(), &writer, &consumed);
  } catch (const json::AssertionFailure& e) {
    out->resize(original_size);
    return Status::Corruption(std::string("item JSON: ") + e.what());
  }
  // The in-place stream ends at the first NUL byte; a raw NUL inside the text (never valid
  // JSON) must not end the item early, hence the consumed-length check.
  if (result.IsError() || !writer.done() || consumed != item_json.size()) {
    out->resize(original_size);
    std::string reason = writer.error()     ? writer.error()
                         : result.IsError() ? rapidjson::GetParseError_En(result.Code())
                         : writer.done()    ? "NUL byte in the text"
                                            : "not an object";
    return Status::Corruption("item JSON is not a DynamoDB item: " + reason + " at offset " +
                              std::to_string(result.IsError() ? result.Offset() : consumed));
  }
  return Status::OK();
}

Status AppendIonLine(std::string_view item_json, std::string* out) {
  const size_t original_size = out->size();
  out->append(kIonLineStart);
  Status s = AppendIonItem(item_json, out);
  if (!s.ok()) {
    out->resize(original_size);
    return s;
  }
  out->append("}\n");
  return Status::OK();
}

}  // namespace tideline::exporter
