// AttributeResolver: validation of ExpressionAttributeNames / ExpressionAttributeValues and the
// bookkeeping of which entries the request's expressions used.

#include <algorithm>
#include <string>

#include "common/api_error.h"
#include "expr/ast.h"
#include "expr/expressions.h"

namespace tideline::expr {

namespace {

// Keys are '#' or ':' followed by one or more of [A-Za-z0-9_] (dynalite validations/index.js).
bool ValidKey(std::string_view key, char prefix) {
  if (key.size() < 2 || key[0] != prefix) return false;
  for (size_t i = 1; i < key.size(); ++i) {
    char c = key[i];
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

template <typename E>
std::vector<uint32_t> SortedIndex(const std::vector<E>& entries) {
  std::vector<uint32_t> order(entries.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return entries[a].key < entries[b].key; });
  return order;
}

}  // namespace

AttributeResolver::AttributeResolver(const json::Value* names, const json::Value* values) {
  if (names) {
    if (!names->IsObject()) throw ApiError::Serialization("Expected map or null");
    if (names->MemberCount() == 0) {
      throw ApiError::Validation("ExpressionAttributeNames must not be empty");
    }
    for (auto it = names->MemberBegin(); it != names->MemberEnd(); ++it) {
      std::string_view key = json::AsView(it->name);
      if (!ValidKey(key, '#')) {
        throw ApiError::Validation(
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" +
            std::string(key) + "\"");
      }
      if (!it->value.IsString()) throw ApiError::Serialization("Expected string or null");
      if (it->value.GetStringLength() == 0) {
        throw ApiError::Validation(
            "ExpressionAttributeNames contains invalid value: Empty attribute name for key " +
            std::string(key));
      }
      // A name no item may hold (over 65,535 bytes) is refused here, before an update could
      // store it (Alternator's test_limit_attribute_length_nonkey_bad, run against AWS).
      model::CheckAttributeName(json::AsView(it->value));
      names_.push_back(Entry{std::string(key), std::string(json::AsView(it->value)), false});
    }
    names_sorted_ = SortedIndex(names_);
  }
  auto table = std::make_shared<ValueTable>();
  if (values) {
    if (!values->IsObject()) throw ApiError::Serialization("Expected map or null");
    if (values->MemberCount() == 0) {
      throw ApiError::Validation("ExpressionAttributeValues must not be empty");
    }
    for (auto it = values->MemberBegin(); it != values->MemberEnd(); ++it) {
      std::string_view key = json::AsView(it->name);
      if (!ValidKey(key, ':')) {
        throw ApiError::Validation(
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" +
            std::string(key) + "\"");
      }
      values_keys_.push_back(Entry{std::string(key), std::string(), false});
    }
    // Values are checked after all keys, as DynamoDB does.
    table->values.reserve(values_keys_.size());
    size_t i = 0;
    for (auto it = values->MemberBegin(); it != values->MemberEnd(); ++it, ++i) {
      try {
        table->values.push_back(model::AttributeValueFromJson(it->value));
      } catch (const ApiError& e) {
        if (e.type() != "ValidationException") throw;
        throw ApiError::Validation("ExpressionAttributeValues contains invalid value: " +
                                   e.message() + " for key " + values_keys_[i].key);
      }
    }
    values_sorted_ = SortedIndex(values_keys_);
  }
  values_ = std::move(table);
}

int AttributeResolver::Find(const std::vector<Entry>& entries, const std::vector<uint32_t>& sorted,
                            std::string_view key) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key,
                             [&](uint32_t i, std::string_view k) { return entries[i].key < k; });
  if (it == sorted.end() || entries[*it].key != key) return -1;
  return static_cast<int>(*it);
}

const std::string* AttributeResolver::UseName(std::string_view token) {
  int i = Find(names_, names_sorted_, token);
  if (i < 0) return nullptr;
  names_[i].used = true;
  return &names_[i].name;
}

int AttributeResolver::UseValue(std::string_view token) {
  int i = Find(values_keys_, values_sorted_, token);
  if (i < 0) return -1;
  values_keys_[i].used = true;
  return i;
}

void AttributeResolver::CheckAllUsed() const {
  auto check = [](const std::vector<Entry>& entries, const char* what) {
    std::string unused;
    for (const Entry& e : entries) {
      if (e.used) continue;
      if (!unused.empty()) unused += ", ";
      unused += e.key;
    }
    if (!unused.empty()) {
      throw ApiError::Validation(std::string("Value provided in ") + what +
                                 " unused in expressions: keys: {" + unused + "}");
    }
  };
  check(names_, "ExpressionAttributeNames");
  check(values_keys_, "ExpressionAttributeValues");
}

}  // namespace tideline::expr
