#include "import/plain_item_line.h"

#include <algorithm>

#include "model/decimal.h"

namespace tideline::importer {
namespace {

// Attribute names longer than this get DynamoDB's error on the general path.
constexpr size_t kMaxAttributeNameBytes = 65535;

// A cursor over the line; every method returns false when the text is not what the fast path
// takes, never an error of its own.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  // The next non-space character is `c`: consumed.
  bool Take(char c) {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool TakeWord(std::string_view word) {
    SkipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  // A JSON string of printable ASCII without escapes: its characters, which the writer of the
  // stored form copies as they are (it escapes only '"', '\\' and control characters).
  bool String(std::string_view* out) {
    if (!Take('"')) return false;
    const size_t start = pos_;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == '"') {
        *out = text_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

PlainItemLine::PlainItemLine(std::vector<std::string> key_names)
    : key_names_(std::move(key_names)) {}

bool PlainItemLine::ParseAttributes(std::string_view line) {
  attributes_.clear();
  size_t numbers = 0;
  Cursor in(line);
  if (!in.Take('{') || !in.TakeWord("\"Item\"") || !in.Take(':') || !in.Take('{')) return false;
  do {
    Attribute a;
    std::string_view type;
    if (!in.String(&a.name) || a.name.empty() || a.name.size() > kMaxAttributeNameBytes) {
      return false;
    }
    if (!in.Take(':') || !in.Take('{') || !in.String(&type) || !in.Take(':')) return false;
    if (type == "S") {
      a.type = model::AvType::kS;
      if (!in.String(&a.text)) return false;
    } else if (type == "N") {
      a.type = model::AvType::kN;
      std::string_view text;
      if (!in.String(&text)) return false;
      std::string error;
      auto number = model::Decimal::Parse(text, &error);
      if (!number) return false;
      if (numbers_.size() <= numbers) numbers_.emplace_back();
      numbers_[numbers] = number->ToString();
      a.number = numbers++;
    } else if (type == "BOOL") {
      a.type = model::AvType::kBool;
      if (in.TakeWord("true")) {
        a.text = "true";
      } else if (in.TakeWord("false")) {
        a.text = "false";
      } else {
        return false;
      }
    } else if (type == "NULL") {
      a.type = model::AvType::kNull;
      if (!in.TakeWord("true")) return false;  // NULL false is an error: the general path's
      a.text = "true";
    } else {
      return false;
    }
    if (!in.Take('}')) return false;
    attributes_.push_back(a);
  } while (in.Take(','));
  if (!in.Take('}') || !in.Take('}') || !in.AtEnd()) return false;
  // The stored form lists attributes in name order (model::Item is a std::map).
  std::sort(attributes_.begin(), attributes_.end(),
            [](const Attribute& x, const Attribute& y) { return x.name < y.name; });
  for (size_t i = 1; i < attributes_.size(); ++i) {
    if (attributes_[i].name == attributes_[i - 1].name) return false;
  }
  return true;
}

model::AttributeValue PlainItemLine::ValueOf(const Attribute& a) const {
  switch (a.type) {
    case model::AvType::kS:
      return model::AttributeValue::String(std::string(a.text));
    case model::AvType::kN:
      return model::AttributeValue::Number(numbers_[a.number]);
    case model::AvType::kBool:
      return model::AttributeValue::Bool(a.text == "true");
    default:
      return model::AttributeValue::Null();
  }
}

bool PlainItemLine::Convert(std::string_view line, std::string* stored_json,
                            model::Item* key_attributes, size_t* item_size) {
  if (!ParseAttributes(line)) return false;
  stored_json->clear();
  key_attributes->clear();
  size_t size = 0;
  stored_json->push_back('{');
  for (const Attribute& a : attributes_) {
    if (stored_json->size() > 1) stored_json->push_back(',');
    stored_json->push_back('"');
    stored_json->append(a.name);
    stored_json->append("\":{\"");
    stored_json->append(model::AvTypeName(a.type));
    stored_json->append("\":");
    if (a.type == model::AvType::kS || a.type == model::AvType::kN) {
      stored_json->push_back('"');
      stored_json->append(a.type == model::AvType::kS ? a.text : numbers_[a.number]);
      stored_json->push_back('"');
    } else {
      stored_json->append(a.text);
    }
    stored_json->push_back('}');
    const bool is_key = std::find(key_names_.begin(), key_names_.end(), a.name) != key_names_.end();
    if (a.type == model::AvType::kN || is_key) {
      model::AttributeValue value = ValueOf(a);
      size += a.name.size() + model::AttributeValueSize(value);
      if (is_key) key_attributes->emplace(std::string(a.name), std::move(value));
    } else {
      size += a.name.size() + (a.type == model::AvType::kS ? a.text.size() : 1);
    }
  }
  stored_json->push_back('}');
  *item_size = size;
  return true;
}

}  // namespace tideline::importer
