#pragma once
// PlainItemLine: the fast path of DYNAMODB_JSON imports. Most lines of an export are flat items
// of plain ASCII strings, numbers, booleans and nulls: {"Item":{"pk":{"S":"a"},"n":{"N":"1"}}}.
// For those, this scanner writes the stored form (exactly what model::ItemToJson writes for the
// item model::ItemFromJson would build: attributes in name order, numbers canonical) straight
// from the line, without a JSON document or a model::Item, and keeps only the key attributes as
// values.
//
// It accepts a line only when it is sure of the result; anything else (an escape, a non-ASCII
// byte, a nested or set value, a binary, a duplicate name, a number that does not parse, any
// other shape) makes Convert return false, and the caller parses the line the general way, which
// gives the same item or DynamoDB's error for it.

#include <string>
#include <string_view>
#include <vector>

#include "model/attribute_value.h"

namespace tideline::importer {

class PlainItemLine {
 public:
  // `key_names`: the attributes to return as values (the table's and its indexes' keys).
  explicit PlainItemLine(std::vector<std::string> key_names);

  // On true: *stored_json is the item's stored form, *key_attributes holds those of its
  // attributes named in key_names, *item_size is model::ItemSize of the item.
  bool Convert(std::string_view line, std::string* stored_json, model::Item* key_attributes,
               size_t* item_size);

 private:
  struct Attribute {
    std::string_view name;
    model::AvType type;
    std::string_view text;  // S: the characters; BOOL and NULL: "true" or "false"
    size_t number = 0;      // N: the index of its canonical text in numbers_
  };
  bool ParseAttributes(std::string_view line);
  model::AttributeValue ValueOf(const Attribute& a) const;

  const std::vector<std::string> key_names_;
  std::vector<Attribute> attributes_;  // reused from line to line
  std::vector<std::string> numbers_;   // canonical numbers, reused
};

}  // namespace tideline::importer
