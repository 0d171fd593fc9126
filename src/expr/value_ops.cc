#include "expr/value_ops.h"

#include <algorithm>
#include <string_view>

#include "common/base64.h"
#include "model/decimal.h"

namespace tideline::expr {

using model::AttributeValue;
using model::AvType;

namespace {

int CompareBytes(const std::string& a, const std::string& b) {
  // std::string::compare uses char_traits<char>, which compares as unsigned char.
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareNumberText(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  std::string err;
  auto da = model::Decimal::Parse(a, &err);
  auto db = model::Decimal::Parse(b, &err);
  if (!da || !db) return CompareBytes(a, b);  // unreachable for validated values
  return model::Decimal::Compare(*da, *db);
}

bool NumbersEqual(const std::string& a, const std::string& b) {
  return a == b || CompareNumberText(a, b) == 0;
}

}  // namespace

int CompareScalars(const AttributeValue& a, const AttributeValue& b) {
  if (a.type == AvType::kN) return CompareNumberText(a.scalar, b.scalar);
  return CompareBytes(a.scalar, b.scalar);
}

bool Contains(const AttributeValue& container, const AttributeValue& element) {
  switch (container.type) {
    case AvType::kS:
    case AvType::kB:
      return element.type == container.type &&
             container.scalar.find(element.scalar) != std::string::npos;
    case AvType::kSS:
      return element.type == AvType::kS && std::find(container.set.begin(), container.set.end(),
                                                     element.scalar) != container.set.end();
    case AvType::kBS:
      return element.type == AvType::kB && std::find(container.set.begin(), container.set.end(),
                                                     element.scalar) != container.set.end();
    case AvType::kNS:
      if (element.type != AvType::kN) return false;
      for (const std::string& n : container.set) {
        if (NumbersEqual(n, element.scalar)) return true;
      }
      return false;
    case AvType::kL:
      for (const AttributeValue& v : container.list) {
        if (v == element) return true;
      }
      return false;
    default:
      return false;
  }
}

bool BeginsWith(const AttributeValue& value, const AttributeValue& prefix) {
  if (value.type != prefix.type) return false;
  if (value.type != AvType::kS && value.type != AvType::kB) return false;
  return value.scalar.size() >= prefix.scalar.size() &&
         value.scalar.compare(0, prefix.scalar.size(), prefix.scalar) == 0;
}

bool SizeOf(const AttributeValue& value, size_t* size) {
  switch (value.type) {
    case AvType::kS:
    case AvType::kB:
      *size = value.scalar.size();
      return true;
    case AvType::kSS:
    case AvType::kNS:
    case AvType::kBS:
      *size = value.set.size();
      return true;
    case AvType::kL:
      *size = value.list.size();
      return true;
    case AvType::kM:
      *size = value.map.size();
      return true;
    default:
      return false;
  }
}

std::string DescribeValue(const AttributeValue& value) {
  std::string out = "{";
  out += model::AvTypeName(value.type);
  out += ':';
  switch (value.type) {
    case AvType::kS:
    case AvType::kN:
      out += value.scalar;
      break;
    case AvType::kB:
      out += Base64Encode(value.scalar);
      break;
    case AvType::kBool:
    case AvType::kNull:
      out += value.boolean ? "true" : "false";
      break;
    default: {
      std::string json = model::ItemToJson(model::Item{{"v", value}});
      // {"v":<value>} -> <value>
      if (json.size() > 6) out += json.substr(5, json.size() - 6);
      break;
    }
  }
  out += '}';
  return out;
}

const AttributeValue* FindPath(const model::Item* item, const Path& path) {
  return FindPathPrefix(item, path, path.size());
}

const AttributeValue* FindPathPrefix(const model::Item* item, const Path& path, size_t length) {
  if (!item || path.empty() || length == 0) return nullptr;
  auto top = item->find(path[0].name);
  if (top == item->end()) return nullptr;
  const AttributeValue* cur = &top->second;
  for (size_t i = 1; i < length && i < path.size(); ++i) {
    const PathElement& e = path[i];
    if (e.is_index()) {
      if (cur->type != AvType::kL || static_cast<size_t>(e.index) >= cur->list.size()) {
        return nullptr;
      }
      cur = &cur->list[e.index];
    } else {
      if (cur->type != AvType::kM) return nullptr;
      auto it = cur->map.find(e.name);
      if (it == cur->map.end()) return nullptr;
      cur = &it->second;
    }
  }
  return cur;
}

}  // namespace tideline::expr
