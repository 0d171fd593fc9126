#include "api/item_support.h"

#include <algorithm>
#include <cmath>

#include "api/response_body.h"
#include "common/api_error.h"

namespace tideline::api {

ReturnValues ReadReturnValues(const json::Value& req, bool only_old, ValidationErrors* errors) {
  auto rv = OptString(req, "ReturnValues");
  if (!rv || *rv == "NONE") return ReturnValues::kNone;
  ReturnValues result;
  if (*rv == "ALL_OLD")
    result = ReturnValues::kAllOld;
  else if (*rv == "UPDATED_OLD")
    result = ReturnValues::kUpdatedOld;
  else if (*rv == "ALL_NEW")
    result = ReturnValues::kAllNew;
  else if (*rv == "UPDATED_NEW")
    result = ReturnValues::kUpdatedNew;
  else {
    errors->Add(ValidationErrors::Quote(*rv), "returnValues",
                "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, "
                "UPDATED_NEW]");
    return ReturnValues::kNone;
  }
  if (only_old && result != ReturnValues::kAllOld) {
    errors->ThrowIfAny();
    throw ApiError::Validation("ReturnValues can only be ALL_OLD or NONE");
  }
  return result;
}

bool ReadReturnOldOnConditionFailure(const json::Value& req, ValidationErrors* errors) {
  auto v = OptString(req, "ReturnValuesOnConditionCheckFailure");
  if (!v || *v == "NONE") return false;
  if (*v == "ALL_OLD") return true;
  errors->Add(ValidationErrors::Quote(*v), "returnValuesOnConditionCheckFailure",
              "Member must satisfy enum value set: [ALL_OLD, NONE]");
  return false;
}

ReturnCapacity ReadReturnConsumedCapacity(const json::Value& req, ValidationErrors* errors) {
  auto v = OptString(req, "ReturnConsumedCapacity");
  if (!v || *v == "NONE") return ReturnCapacity::kNone;
  if (*v == "TOTAL") return ReturnCapacity::kTotal;
  if (*v == "INDEXES") return ReturnCapacity::kIndexes;
  errors->Add(ValidationErrors::Quote(*v), "returnConsumedCapacity",
              "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]");
  return ReturnCapacity::kNone;
}

bool ReadReturnItemCollectionMetrics(const json::Value& req, ValidationErrors* errors) {
  auto v = OptString(req, "ReturnItemCollectionMetrics");
  if (!v || *v == "NONE" || *v == "SIZE") return v && *v == "SIZE";
  errors->Add(ValidationErrors::Quote(*v), "returnItemCollectionMetrics",
              "Member must satisfy enum value set: [SIZE, NONE]");
  return false;
}

const json::Value* ReadRequestItems(const json::Value& req, std::string_view operation) {
  // Checked before any other member (dynalite's batchGetItem tests, recorded against AWS:
  // an invalid ReturnConsumedCapacity alongside still gets this message).
  const json::Value* request_items = OptObject(req, "RequestItems");
  if (!request_items || request_items->MemberCount() == 0) {
    throw ApiError::Validation("The requestItems parameter is required for " +
                               std::string(operation));
  }
  return request_items;
}

const json::Value* ReadTransactItems(const json::Value& req, ValidationErrors* errors) {
  const json::Value* items = OptArray(req, "TransactItems");
  if (!items) {
    errors->AddNull("transactItems");
  } else if (items->Size() == 0) {
    errors->Add("'[]'", "transactItems", "Member must have length greater than or equal to 1");
  } else if (items->Size() > 100) {
    errors->Add("'[...]'", "transactItems", "Member must have length less than or equal to 100");
  }
  return items;
}

model::Item ParseStoredItem(std::string_view item_json) {
  // The DOM lives only during this call: a per-thread buffer spares the pool allocator its
  // 64 KB heap chunk on every read-modify-write. The allocator keeps its chunk header (pointers
  // and sizes) at the start of the buffer, so the buffer must be aligned for them.
  alignas(std::max_align_t) thread_local char buffer[32 * 1024];
  json::Allocator allocator(buffer, sizeof buffer);
  json::Document doc(&allocator);
  std::string error;
  if (!json::Parse(item_json, &doc, &error)) {
    throw ApiError::Internal("stored item is not valid JSON: " + error);
  }
  return model::ItemFromJson(doc);
}

double WriteUnits(size_t bytes) { return std::max(1.0, std::ceil(bytes / 1024.0)); }
double ReadUnits(size_t bytes, bool consistent) {
  double units = std::max(1.0, std::ceil(bytes / 4096.0));
  return consistent ? units : units / 2;
}

namespace {

// One ConsumedCapacity object (value only).
void WriteCapacityObject(json::Writer& w, ReturnCapacity detail, const std::string& table,
                         double units) {
  w.StartObject();
  w.Key("TableName");
  json::WriteString(w, table);
  w.Key("CapacityUnits");
  w.Double(units);
  if (detail.indexes()) {
    w.Key("Table");
    w.StartObject();
    w.Key("CapacityUnits");
    w.Double(units);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

void WriteConsumedCapacity(json::Writer& w, ReturnCapacity detail, const std::string& table,
                           double units) {
  w.Key("ConsumedCapacity");
  WriteCapacityObject(w, detail, table, units);
}

void WriteConsumedCapacityList(json::Writer& w, ReturnCapacity detail,
                               const std::vector<std::pair<std::string, double>>& units) {
  std::vector<std::pair<std::string, double>> per_table;
  for (const auto& [table, u] : units) {
    // A named reference, not the binding: clang 14 (the fuzz build) cannot capture a binding.
    const std::string& name = table;
    auto it = std::find_if(per_table.begin(), per_table.end(),
                           [&](const auto& t) { return t.first == name; });
    if (it == per_table.end())
      per_table.emplace_back(table, u);
    else
      it->second += u;
  }
  w.Key("ConsumedCapacity");
  w.StartArray();
  for (const auto& [table, u] : per_table) WriteCapacityObject(w, detail, table, u);
  w.EndArray();
}

void ThrowConditionalCheckFailed(const model::Item* old_item, bool return_old) {
  std::string extra;
  if (return_old && old_item) extra = "\"Item\":" + model::ItemToJson(*old_item);
  throw ApiError::ConditionalCheckFailed("The conditional request failed", std::move(extra));
}

void CancellationReasons::Set(size_t i, std::string code, std::string_view message,
                              std::string_view item_json) {
  ResponseBody reason;
  json::Writer& w = reason.writer();
  w.Key("Code");
  json::WriteString(w, code);
  w.Key("Message");
  json::WriteString(w, message);
  if (!item_json.empty()) {
    w.Key("Item");
    WriteRawObject(w, item_json);
  }
  reasons[i] = reason.Finish();
  codes[i] = std::move(code);
}

void CancellationReasons::Throw() const {
  std::string summary, list;
  for (size_t i = 0; i < codes.size(); ++i) {
    summary += (i ? ", " : "") + codes[i];
    list += (i ? "," : "") + (reasons[i].empty() ? std::string("{\"Code\":\"None\"}") : reasons[i]);
  }
  const std::string message =
      "Transaction cancelled, please refer cancellation reasons for specific reasons [" + summary +
      "]";
  throw ApiError::TransactionCanceled(message, "\"CancellationReasons\":[" + list + "]");
}

}  // namespace tideline::api
