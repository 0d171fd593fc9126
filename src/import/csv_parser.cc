// CSV lines. Fields are split by the delimiter; a field in double quotes may hold the
// delimiter, and a double quote inside it is written twice (the developer guide: quotes that
// are not escaped that way fail the line). The object's first line names the columns unless
// the request gave a HeaderList, in which case every line is data.
//
// Types, as AWS documents them: the key attributes of the table and of its indexes take their
// AttributeDefinitions type (N is checked as a number, B is read as base64), every other
// column is a string. An empty field of a non-key column leaves that attribute out of the item:
// CSV cannot tell an empty string from a missing value, and sparse items (most exports of
// DynamoDB data to CSV) would otherwise gain empty attributes. AWS does not document this case.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "import/line_parser.h"
#include "json/json.h"

namespace tideline::importer {
namespace {

// Splits one line into fields. false with *error for a quote out of place.
bool SplitFields(std::string_view line, char delimiter, std::vector<std::string>* fields,
                 std::string* error) {
  fields->clear();
  size_t i = 0;
  for (;;) {
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) {
          *error = "A quoted field has no closing double quote";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != delimiter) {
        *error =
            "Unexpected character after a quoted field (a double quote must be escaped as "
            "two double quotes)";
        return false;
      }
    } else {
      while (i < line.size() && line[i] != delimiter) {
        if (line[i] == '"') {
          *error =
              "Unescaped double quote in a field (a double quote must be escaped as two "
              "double quotes inside a quoted field)";
          return false;
        }
        field.push_back(line[i++]);
      }
    }
    fields->push_back(std::move(field));
    if (i >= line.size()) return true;
    ++i;  // the delimiter
  }
}

class CsvParser : public LineParser {
 public:
  explicit CsvParser(CsvFormat format) : format_(std::move(format)) {
    if (format_.has_header_list) header_ = format_.header_list;
  }

  void BeginObject() override {
    if (!format_.has_header_list) header_.clear();
  }

  Result Parse(std::string_view line, model::Item* item, std::string* error) override {
    std::vector<std::string> fields;
    if (!SplitFields(line, format_.delimiter, &fields, error)) return Result::kError;
    if (header_.empty()) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].empty()) {
          *error =
              "The header line has an empty column name (column " + std::to_string(i + 1) + ")";
          return Result::kError;
        }
        for (size_t j = 0; j < i; ++j) {
          if (fields[i] == fields[j]) {
            *error = "The header line names the column " + fields[i] + " twice";
            return Result::kError;
          }
        }
      }
      header_ = std::move(fields);
      return Result::kSkip;
    }
    if (fields.size() != header_.size()) {
      *error = "The line has " + std::to_string(fields.size()) + " fields but the header has " +
               std::to_string(header_.size()) + " columns";
      return Result::kError;
    }
    json::Buffer buf;
    json::Writer w(buf);
    w.StartObject();
    for (size_t i = 0; i < fields.size(); ++i) {
      auto key = format_.key_types.find(header_[i]);
      if (key == format_.key_types.end() && fields[i].empty()) continue;
      json::WriteKey(w, header_[i]);
      w.StartObject();
      w.Key(key == format_.key_types.end() ? "S" : common::AvTypeName(key->second));
      json::WriteString(w, fields[i]);
      w.EndObject();
    }
    w.EndObject();
    if (!ItemFromWireJson(std::string_view(buf.GetString(), buf.GetSize()), item, error)) {
      return Result::kError;
    }
    return Result::kItem;
  }

 private:
  CsvFormat format_;
  std::vector<std::string> header_;
};

}  // namespace

std::unique_ptr<LineParser> NewCsvParser(CsvFormat format) {
  return std::make_unique<CsvParser>(std::move(format));
}

}  // namespace tideline::importer
