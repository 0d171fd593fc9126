#pragma once
// Helpers shared by the expression tests: JSON literals, items, a resolver built from
// ExpressionAttributeNames/Values JSON, and "<type>: <message>" renderings of thrown ApiErrors.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/api_error.h"
#include "expr/expressions.h"
#include "json/json.h"
#include "model/attribute_value.h"

namespace tideline::expr::testing {

inline std::unique_ptr<json::Document> Json(std::string_view text) {
  auto doc = std::make_unique<json::Document>();
  std::string err;
  EXPECT_TRUE(json::Parse(text, doc.get(), &err)) << text << ": " << err;
  return doc;
}

inline model::Item ItemOf(std::string_view json) { return model::ItemFromJson(*Json(json)); }

inline model::AttributeValue Av(std::string_view json) {
  return model::AttributeValueFromJson(*Json(json));
}

// The ExpressionAttributeNames / ExpressionAttributeValues of one request ("" = absent).
class Params {
 public:
  explicit Params(std::string_view values = "", std::string_view names = "") {
    if (!names.empty()) names_ = Json(names);
    if (!values.empty()) values_ = Json(values);
    resolver_ = std::make_unique<AttributeResolver>(names_.get(), values_.get());
  }
  AttributeResolver& r() { return *resolver_; }

 private:
  std::unique_ptr<json::Document> names_, values_;
  std::unique_ptr<AttributeResolver> resolver_;
};

// "<ErrorType>: <message>" of the ApiError `f` throws, or "no error".
template <typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.type() + ": " + e.message();
  }
  return "no error";
}

inline std::string V(std::string_view message) {
  return "ValidationException: " + std::string(message);
}

// Parses `condition` as a ConditionExpression with the given values/names and evaluates it
// against `item_json` ("" = no item).
inline bool Eval(std::string_view condition, std::string_view item_json,
                 std::string_view values = "", std::string_view names = "") {
  Params p(values, names);
  auto c = ParseCondition(condition, p.r(), "ConditionExpression");
  p.r().CheckAllUsed();
  if (item_json.empty()) return EvaluateCondition(*c, nullptr);
  model::Item item = ItemOf(item_json);
  return EvaluateCondition(*c, &item);
}

inline std::string ConditionError(std::string_view condition, std::string_view values = "",
                                  std::string_view names = "",
                                  std::string_view parameter = "ConditionExpression") {
  return ErrorOf([&] {
    Params p(values, names);
    ParseCondition(condition, p.r(), parameter);
  });
}

}  // namespace tideline::expr::testing
