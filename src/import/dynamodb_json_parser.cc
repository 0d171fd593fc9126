// DYNAMODB_JSON lines: {"Item":{...}} in DynamoDB's wire JSON (S/N as strings, B base64), and
// the change records of an incremental export ({"Metadata":..,"Keys":..,"NewImage":..}).

#include "common/api_error.h"
#include "import/line_parser.h"
#include "json/json.h"

namespace tideline::importer {

bool ItemFromWireJson(std::string_view item_map_json, model::Item* item, std::string* error) {
  json::Document doc;
  std::string parse_error;
  if (!json::Parse(item_map_json, &doc, &parse_error)) {
    *error = "Invalid JSON: " + parse_error;
    return false;
  }
  try {
    *item = model::ItemFromJson(doc);
  } catch (const ApiError& e) {
    *error = e.message();
    return false;
  }
  return true;
}

namespace {

class DynamoDbJsonParser : public LineParser {
 public:
  Result Parse(std::string_view line, model::Item* item, std::string* error) override {
    json::Document doc;
    std::string parse_error;
    if (!json::Parse(line, &doc, &parse_error)) {
      *error = "Invalid JSON: " + parse_error;
      return Result::kError;
    }
    if (!doc.IsObject()) {
      *error = "The line is not a JSON object";
      return Result::kError;
    }
    const json::Value* map = json::Find(doc, "Item");
    if (!map && json::Find(doc, "Metadata") && json::Find(doc, "Keys")) {
      // A change record of an incremental export (spec §2.3): its NewImage is the item as the
      // window left it; a record without one is a key deleted in the window, which leaves
      // nothing to import. AWS documents no import of incremental exports: this reading is
      // Tideline's, so that an incremental export can be loaded like a full one.
      map = json::Find(doc, "NewImage");
      if (!map) return Result::kSkip;
    }
    if (!map) {
      *error = "The line has no \"Item\" member: it is not an item in DynamoDB JSON format";
      return Result::kError;
    }
    if (!map->IsObject()) {
      *error = "The \"Item\" member is not a JSON object";
      return Result::kError;
    }
    try {
      *item = model::ItemFromJson(*map);
    } catch (const ApiError& e) {
      *error = e.message();
      return Result::kError;
    }
    return Result::kItem;
  }
};

}  // namespace

std::unique_ptr<LineParser> NewDynamoDbJsonParser() {
  return std::make_unique<DynamoDbJsonParser>();
}

}  // namespace tideline::importer
