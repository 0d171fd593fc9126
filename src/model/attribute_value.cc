// AttributeValue: wire JSON parsing with DynamoDB's errors, writing, equality and size rules.
//
// Error ordering: DynamoDB deserializes the whole request (SerializationException for JSON of
// the wrong shape) before it validates values (ValidationException). The parser therefore
// throws shape errors at once but only records the first rule violation, throwing it after the
// whole value has been read.

#include "model/attribute_value.h"

#include <algorithm>
#include <cctype>

#include "common/api_error.h"
#include "common/base64.h"
#include "model/decimal.h"

namespace tideline::model {
namespace {

// DynamoDB accepts 31 levels of L/M wrapped around a value and rejects 32 (the leaf would sit at
// level 33 counting the attribute itself as level 1; tests/e2e/test_attribute_values.py
// test_nesting_beyond_32_levels pins it). With our 0-based depth, a container at depth >= 31 is
// one level too many.
constexpr int kMaxNestingDepth = 31;

constexpr char kInvalidPrefix[] = "One or more parameter values were invalid: ";
// DynamoDB's current wording for empty sets, one per set type (the double space is theirs).
constexpr char kEmptyStringSet[] =
    "One or more parameter values were invalid: An string set  may not be empty";
constexpr char kEmptyNumberSet[] =
    "One or more parameter values were invalid: An number set  may not be empty";
constexpr char kEmptyBinarySet[] =
    "One or more parameter values were invalid: Binary sets should not be empty";
constexpr char kEmptyValue[] =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
constexpr char kMultipleTypes[] =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
    "supported datatypes";
constexpr char kNullNotTrue[] =
    "One or more parameter values were invalid: Null attribute value types must have the value "
    "of true";
constexpr char kNesting[] =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
    "beyond supported limit";
constexpr size_t kMaxAttributeNameBytes = 65535;
constexpr char kNameTooLong[] =
    "One or more parameter values were invalid: Attribute name exceeds the maximum length of "
    "65535 bytes";
// AWS's exact wording for an empty attribute name is not recorded; it is refused as a
// ValidationException (an item attribute, an AttributeUpdates key, an AttributesToGet entry).
constexpr char kEmptyName[] =
    "One or more parameter values were invalid: An attribute name may not be empty";
constexpr char kNullSetMember[] =
    "One or more parameter values were invalid: Sets may not contain null values";

enum class Shape { kString, kBlob, kBoolean, kList, kMap, kStructure };

// SerializationException text for a JSON value of the wrong kind, in the style of DynamoDB's
// Coral deserializer (messages as recorded by dynalite and AWS SDK tests).
[[noreturn]] void ThrowShape(Shape want, const json::Value& got) {
  const char* target = want == Shape::kString    ? "String"
                       : want == Shape::kBlob    ? "Blob"
                       : want == Shape::kBoolean ? "Boolean"
                                                 : "";
  std::string msg;
  if (got.IsArray() && want != Shape::kList) {
    msg = "Start of list found where not expected";
  } else if (got.IsObject() && want != Shape::kMap && want != Shape::kStructure) {
    msg = "Start of structure or map found where not expected.";
  } else if (want == Shape::kList) {
    msg = "Expected list or null";
  } else if (want == Shape::kMap) {
    msg = "Expected map or null";
  } else if (want == Shape::kStructure) {
    msg = "Expected null";
  } else if (got.IsNumber()) {
    msg = std::string("NUMBER_VALUE cannot be converted to ") + target;
  } else if (got.IsBool()) {
    msg = std::string("class java.lang.Boolean can not be converted to ") +
          (want == Shape::kBlob ? "a " : "an ") + target;
  } else if (got.IsString() && want == Shape::kBoolean) {
    std::string upper(json::AsView(got));
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    msg = "'" + upper + "' can not be converted to an Boolean";
  } else {
    msg = std::string("Unexpected value type in payload");
  }
  throw ApiError::Serialization(std::move(msg));
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

std::string DecodeBlob(const json::Value& v) {
  if (!v.IsString()) ThrowShape(Shape::kBlob, v);
  std::string_view text = json::AsView(v);
  std::string out;
  if (Base64Decode(text, &out)) return out;
  // Error path only: name the first problem the way DynamoDB does.
  const std::string prefix = "'" + std::string(text) + "' can not be converted to a Blob: ";
  if (text.size() % 4 != 0) {
    throw ApiError::Serialization(prefix +
                                  "Base64 encoded length is expected a multiple of 4 bytes but "
                                  "found: " +
                                  std::to_string(text.size()));
  }
  size_t pad = text.size() >= 2 && text.back() == '=' ? (text[text.size() - 2] == '=' ? 2 : 1) : 0;
  for (size_t i = 0; i < text.size() - pad; ++i) {
    if (!IsBase64Char(text[i])) {
      throw ApiError::Serialization(prefix + "Invalid Base64 character: '" +
                                    std::string(1, text[i]) + "'");
    }
  }
  throw ApiError::Serialization(prefix + "Invalid last non-pad Base64 character dectected");
}

// True when `items` holds two equal entries. Small sets (the common case) avoid allocating.
bool HasDuplicates(const std::vector<std::string>& items) {
  const size_t n = items.size();
  if (n <= 16) {
    for (size_t i = 1; i < n; ++i)
      for (size_t j = 0; j < i; ++j)
        if (items[i] == items[j]) return true;
    return false;
  }
  std::vector<std::string_view> sorted(items.begin(), items.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

std::string JoinOriginal(const json::Value& array) {
  std::string out = "[";
  bool first = true;
  for (const auto& e : array.GetArray()) {
    if (!first) out += ", ";
    first = false;
    if (e.IsString()) out.append(json::AsView(e));
  }
  out += "]";
  return out;
}

class Parser {
 public:
  AttributeValue Value(const json::Value& v, int depth) {
    if (!v.IsObject()) ThrowShape(Shape::kStructure, v);
    AttributeValue out;
    int types = 0;
    for (const auto& m : v.GetObject()) {
      if (m.value.IsNull()) continue;  // A null member counts as absent, as in DynamoDB.
      AvType t;
      if (!AvTypeFromName(json::AsView(m.name), &t)) continue;  // Unknown members are ignored.
      ++types;
      ParseTyped(t, m.value, depth, &out);
    }
    if (types == 0) Fail(kEmptyValue);
    if (types > 1) Fail(kMultipleTypes);
    return out;
  }

  void Map(const json::Value& v, int depth, AttributeMap* out) {
    if (!v.IsObject()) ThrowShape(Shape::kMap, v);
    for (const auto& m : v.GetObject()) {
      std::string name(json::AsView(m.name));
      if (name.size() > kMaxAttributeNameBytes) Fail(kNameTooLong);
      // Only an item's own attributes need a name; keys of nested maps may be empty.
      if (name.empty() && depth == 0) Fail(kEmptyName);
      if (m.value.IsNull()) {
        Fail(kEmptyValue);
        out->insert_or_assign(std::move(name), AttributeValue());
        continue;
      }
      out->insert_or_assign(std::move(name), Value(m.value, depth));
    }
  }

  void ThrowIfFailed() {
    if (!error_.empty()) throw ApiError::Validation(std::move(error_));
  }

 private:
  void Fail(std::string_view msg) {
    if (error_.empty()) error_.assign(msg);
  }

  void ParseTyped(AvType t, const json::Value& v, int depth, AttributeValue* out) {
    out->type = t;
    switch (t) {
      case AvType::kS:
        if (!v.IsString()) ThrowShape(Shape::kString, v);
        out->scalar.assign(v.GetString(), v.GetStringLength());
        return;
      case AvType::kN: {
        if (!v.IsString()) ThrowShape(Shape::kString, v);
        out->scalar = CanonicalNumber(json::AsView(v));
        return;
      }
      case AvType::kB:
        out->scalar = DecodeBlob(v);
        return;
      case AvType::kBool:
        if (!v.IsBool()) ThrowShape(Shape::kBoolean, v);
        out->boolean = v.GetBool();
        return;
      case AvType::kNull:
        if (!v.IsBool()) ThrowShape(Shape::kBoolean, v);
        out->boolean = true;
        if (!v.GetBool()) Fail(kNullNotTrue);
        return;
      case AvType::kL: {
        if (!v.IsArray()) ThrowShape(Shape::kList, v);
        if (depth >= kMaxNestingDepth) {
          Fail(kNesting);  // Children are not read: bounds recursion on hostile input.
          return;
        }
        out->list.reserve(v.Size());
        for (const auto& e : v.GetArray()) {
          if (e.IsNull()) {
            Fail(kEmptyValue);
            out->list.emplace_back();
            continue;
          }
          out->list.push_back(Value(e, depth + 1));
        }
        return;
      }
      case AvType::kM:
        if (!v.IsObject()) ThrowShape(Shape::kMap, v);
        if (depth >= kMaxNestingDepth) {
          Fail(kNesting);
          return;
        }
        Map(v, depth + 1, &out->map);
        return;
      case AvType::kSS:
      case AvType::kNS:
      case AvType::kBS:
        ParseSet(t, v, out);
        return;
    }
  }

  void ParseSet(AvType t, const json::Value& v, AttributeValue* out) {
    if (!v.IsArray()) ThrowShape(Shape::kList, v);
    out->set.reserve(v.Size());
    bool null_member = false;
    for (const auto& e : v.GetArray()) {
      if (e.IsNull()) {
        null_member = true;
        continue;
      }
      if (t == AvType::kBS) {
        out->set.push_back(DecodeBlob(e));
        continue;
      }
      if (!e.IsString()) ThrowShape(Shape::kString, e);
      if (t == AvType::kSS) {
        out->set.emplace_back(e.GetString(), e.GetStringLength());
      } else {
        out->set.push_back(CanonicalNumber(json::AsView(e)));
      }
    }
    if (null_member) Fail(kNullSetMember);
    if (v.Empty()) {
      Fail(t == AvType::kSS   ? kEmptyStringSet
           : t == AvType::kNS ? kEmptyNumberSet
                              : kEmptyBinarySet);
    } else if (HasDuplicates(out->set)) {
      // NS members are canonical here, so "1" and "1.0" collide as DynamoDB's numeric check does.
      std::string msg = kInvalidPrefix;
      msg += "Input collection ";
      msg += JoinOriginal(v);
      msg += t == AvType::kBS ? "of type BS contains duplicates." : " contains duplicates.";
      Fail(msg);
    }
  }

  std::string CanonicalNumber(std::string_view text) {
    std::string err;
    auto d = Decimal::Parse(text, &err);
    if (!d) {
      Fail(err);
      return std::string(text);
    }
    return d->ToString();
  }

  std::string error_;
};

size_t NumberSize(std::string_view canonical) {
  // DynamoDB's documented rule: 1 byte per two significant digits (rounded up) plus 1 byte;
  // zero counts as 1 byte. The sign costs nothing extra in the documented rule.
  size_t digits = 0;
  bool started = false;
  size_t trailing_zeros = 0;
  for (char c : canonical) {
    if (c < '0' || c > '9') continue;
    if (c == '0' && !started) continue;
    started = true;
    ++digits;
    trailing_zeros = c == '0' ? trailing_zeros + 1 : 0;
  }
  digits -= trailing_zeros;
  if (digits == 0) return 1;
  return (digits + 1) / 2 + 1;
}

bool NumbersEqual(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto da = Decimal::Parse(a, nullptr);
  auto db = Decimal::Parse(b, nullptr);
  return da && db && *da == *db;
}

bool SetsEqual(AvType t, const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  if (t == AvType::kNS) {
    std::vector<Decimal> da, db;
    da.reserve(a.size());
    db.reserve(b.size());
    for (const auto& s : a) da.push_back(Decimal::Parse(s, nullptr).value_or(Decimal()));
    for (const auto& s : b) db.push_back(Decimal::Parse(s, nullptr).value_or(Decimal()));
    auto less = [](const Decimal& x, const Decimal& y) { return Decimal::Compare(x, y) < 0; };
    std::sort(da.begin(), da.end(), less);
    std::sort(db.begin(), db.end(), less);
    return da == db;
  }
  std::vector<std::string_view> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  return sa == sb;
}

}  // namespace

AttributeValue AttributeValue::String(std::string s) {
  AttributeValue v;
  v.type = AvType::kS;
  v.scalar = std::move(s);
  return v;
}
AttributeValue AttributeValue::Number(std::string canonical) {
  AttributeValue v;
  v.type = AvType::kN;
  v.scalar = std::move(canonical);
  return v;
}
AttributeValue AttributeValue::Binary(std::string bytes) {
  AttributeValue v;
  v.type = AvType::kB;
  v.scalar = std::move(bytes);
  return v;
}
AttributeValue AttributeValue::Bool(bool b) {
  AttributeValue v;
  v.type = AvType::kBool;
  v.boolean = b;
  return v;
}
AttributeValue AttributeValue::Null() {
  AttributeValue v;
  v.type = AvType::kNull;
  v.boolean = true;
  return v;
}

bool AttributeValue::operator==(const AttributeValue& o) const {
  if (type != o.type) return false;
  switch (type) {
    case AvType::kS:
    case AvType::kB:
      return scalar == o.scalar;
    case AvType::kN:
      return NumbersEqual(scalar, o.scalar);
    case AvType::kBool:
      return boolean == o.boolean;
    case AvType::kNull:
      return true;
    case AvType::kL:
      return list == o.list;
    case AvType::kM:
      return map == o.map;
    case AvType::kSS:
    case AvType::kNS:
    case AvType::kBS:
      return SetsEqual(type, set, o.set);
  }
  return false;
}

AttributeValue AttributeValueFromJson(const json::Value& v, int depth) {
  Parser p;
  AttributeValue out = p.Value(v, depth);
  p.ThrowIfFailed();
  return out;
}

void CheckAttributeName(std::string_view name) {
  if (name.empty()) throw ApiError::Validation(kEmptyName);
  if (name.size() > kMaxAttributeNameBytes) throw ApiError::Validation(kNameTooLong);
}

Item ItemFromJson(const json::Value& v) {
  Parser p;
  Item out;
  p.Map(v, 0, &out);
  p.ThrowIfFailed();
  return out;
}

void WriteAttributeValue(json::Writer& w, const AttributeValue& v) {
  w.StartObject();
  json::WriteKey(w, AvTypeName(v.type));
  switch (v.type) {
    case AvType::kS:
    case AvType::kN:
      json::WriteString(w, v.scalar);
      break;
    case AvType::kB:
      json::WriteString(w, Base64Encode(v.scalar));
      break;
    case AvType::kBool:
      w.Bool(v.boolean);
      break;
    case AvType::kNull:
      w.Bool(true);
      break;
    case AvType::kL:
      w.StartArray();
      for (const auto& e : v.list) WriteAttributeValue(w, e);
      w.EndArray();
      break;
    case AvType::kM:
      WriteItem(w, v.map);
      break;
    case AvType::kSS:
    case AvType::kNS:
    case AvType::kBS:
      w.StartArray();
      for (const auto& e : v.set) {
        if (v.type == AvType::kBS) {
          json::WriteString(w, Base64Encode(e));
        } else {
          json::WriteString(w, e);
        }
      }
      w.EndArray();
      break;
  }
  w.EndObject();
}

void WriteItem(json::Writer& w, const Item& item) {
  w.StartObject();
  for (const auto& [name, value] : item) {
    json::WriteKey(w, name);
    WriteAttributeValue(w, value);
  }
  w.EndObject();
}

std::string ItemToJson(const Item& item) {
  json::Buffer buf;
  json::Writer w(buf);
  WriteItem(w, item);
  return std::string(buf.GetString(), buf.GetSize());
}

size_t AttributeValueSize(const AttributeValue& v) {
  switch (v.type) {
    case AvType::kS:
    case AvType::kB:
      return v.scalar.size();
    case AvType::kN:
      return NumberSize(v.scalar);
    case AvType::kBool:
    case AvType::kNull:
      return 1;
    case AvType::kL: {
      size_t size = 3 + v.list.size();
      for (const auto& e : v.list) size += AttributeValueSize(e);
      return size;
    }
    case AvType::kM: {
      size_t size = 3 + v.map.size();
      for (const auto& [name, e] : v.map) size += name.size() + AttributeValueSize(e);
      return size;
    }
    case AvType::kSS:
    case AvType::kBS: {
      size_t size = 0;
      for (const auto& e : v.set) size += e.size();
      return size;
    }
    case AvType::kNS: {
      size_t size = 0;
      for (const auto& e : v.set) size += NumberSize(e);
      return size;
    }
  }
  return 0;
}

size_t ItemSize(const Item& item) {
  size_t size = 0;
  for (const auto& [name, v] : item) size += name.size() + AttributeValueSize(v);
  return size;
}

}  // namespace tideline::model
