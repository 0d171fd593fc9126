#include "api/read_pages.h"

#include "api/item_support.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {
constexpr size_t kPageBytes = 1024 * 1024;
}

void WritePage(json::Writer& w, storage::ItemCursor& cursor, const storage::TableMeta& table,
               const PageOptions& options) {
  int64_t count = 0, scanned = 0;
  size_t bytes = 0;
  std::string last_json;
  bool stopped_early = false;
  if (!options.count_only) {
    w.Key("Items");
    w.StartArray();
  }
  for (; cursor.Valid(); cursor.Next()) {
    if ((options.limit > 0 && scanned >= options.limit) || bytes >= kPageBytes) {
      stopped_early = true;
      break;
    }
    ++scanned;
    bytes += cursor.item_size();
    std::string_view json = cursor.item_json();
    last_json.assign(json);
    if (!options.filter && !options.projection) {
      ++count;
      if (!options.count_only) WriteRawObject(w, json);
      continue;
    }
    model::Item item = ParseStoredItem(json);
    if (options.filter && !expr::EvaluateCondition(*options.filter, &item)) continue;
    ++count;
    if (options.count_only) continue;
    if (options.projection)
      model::WriteItem(w, expr::Project(*options.projection, item));
    else
      WriteRawObject(w, json);
  }
  Status s = cursor.status();
  if (!s.ok()) throw StatusError(s);
  if (!options.count_only) w.EndArray();
  w.Key("Count");
  w.Int64(count);
  w.Key("ScannedCount");
  w.Int64(scanned);
  if (stopped_early && !last_json.empty()) {
    w.Key("LastEvaluatedKey");
    model::WriteItem(w, model::KeyAttributes(table.key_schema, ParseStoredItem(last_json)));
  }
  if (options.return_capacity) {
    WriteConsumedCapacity(w, options.return_capacity, table.name,
                          ReadUnits(bytes, options.consistent));
  }
}

bool ReadSelectCount(const json::Value& req, bool has_projection) {
  auto select = OptString(req, "Select");
  if (!select) return false;
  if (*select != "ALL_ATTRIBUTES" && *select != "ALL_PROJECTED_ATTRIBUTES" &&
      *select != "SPECIFIC_ATTRIBUTES" && *select != "COUNT") {
    ValidationErrors errors;
    errors.Add(ValidationErrors::Quote(*select), "select",
               "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
               "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
    errors.ThrowIfAny();
  }
  if (*select == "ALL_PROJECTED_ATTRIBUTES") {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is "
        "not supported");
  }
  if (*select == "SPECIFIC_ATTRIBUTES" && !has_projection) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires "
        "either AttributesToGet or ProjectionExpression");
  }
  if ((*select == "ALL_ATTRIBUTES" || *select == "COUNT") && has_projection) {
    // The message names the parameter the request used.
    const char* parameter =
        json::Find(req, "ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet";
    throw ApiError::Validation(
        std::string("One or more parameter values were invalid: Cannot specify the ") + parameter +
        " when choosing to get " + std::string(*select));
  }
  return *select == "COUNT";
}

std::string StartKeyOf(const json::Value& start_key, const storage::TableMeta& table) {
  try {
    return model::KeyOfKeyMap(table.key_schema, model::ItemFromJson(start_key));
  } catch (const ApiError& e) {
    throw ApiError::Validation("The provided starting key is invalid: " + e.message());
  }
}

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;  // "" = no upper bound
}

}  // namespace tideline::api
