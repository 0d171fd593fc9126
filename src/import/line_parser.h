#pragma once
// LineParser: one line of an import object -> one item, in the three input formats of
// ImportTable (the developer guide's "Amazon S3 import formats for DynamoDB"):
//   DYNAMODB_JSON  {"Item":{<attr>:<AttributeValue>,...}}  (every line of a full export); the
//                  records of an incremental export give their NewImage (none: skipped)
//   ION            $ion_1_0 {Item:{<attr>:<ion value>,...}} (ion_reader.h: the Ion text an ION
//                  export writes; sets are lists annotated $dynamodb_SS/NS/BS)
//   CSV            fields split by the delimiter, named by the object's first line or by
//                  HeaderList; typed as AWS types them: "all columns other than the hash and
//                  range keys of your base table and secondary indexes are imported as DynamoDB
//                  strings", the key columns by their AttributeDefinitions type.
// A parser checks the line's shape and every AttributeValue rule (model::ItemFromJson); the key
// schema and the item size are the job's checks. Blank lines never reach a parser.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/key_schema.h"
#include "model/attribute_value.h"

namespace tideline::importer {

class LineParser {
 public:
  enum class Result { kItem, kSkip, kError };
  virtual ~LineParser() = default;
  // A new object starts (a CSV object's first line is its header unless HeaderList was given).
  virtual void BeginObject() {}
  // kItem with *item filled, kSkip for a line that is no item (a CSV header, an incremental
  // export's record of a deleted key), or kError with a reason in *error.
  virtual Result Parse(std::string_view line, model::Item* item, std::string* error) = 0;
};

std::unique_ptr<LineParser> NewDynamoDbJsonParser();
std::unique_ptr<LineParser> NewIonParser();

struct CsvFormat {
  char delimiter = ',';
  bool has_header_list = false;
  std::vector<std::string> header_list;
  // The type of every key attribute of the table and its indexes (AttributeDefinitions).
  std::map<std::string, common::AvType, std::less<>> key_types;
};
std::unique_ptr<LineParser> NewCsvParser(CsvFormat format);

// Parses a wire-JSON item map ({"a":{"S":"x"}}) into *item with DynamoDB's rules; false with
// the ValidationException/SerializationException message in *error.
bool ItemFromWireJson(std::string_view item_map_json, model::Item* item, std::string* error);

}  // namespace tideline::importer
