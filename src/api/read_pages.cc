#include "api/read_pages.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "api/item_support.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {

class TableItems : public PageCursor {
 public:
  explicit TableItems(std::unique_ptr<storage::ItemCursor> cursor) : cursor_(std::move(cursor)) {}
  bool Valid() const override { return cursor_->Valid(); }
  void Next() override { cursor_->Next(); }
  std::string_view item_json() const override { return cursor_->item_json(); }
  size_t item_size() const override { return cursor_->item_size(); }
  std::string_view table_key() const override { return cursor_->user_key(); }
  Status status() const override { return cursor_->status(); }

 private:
  std::unique_ptr<storage::ItemCursor> cursor_;
};

model::Item LastEvaluatedKey(const storage::TableMeta& table, const storage::IndexMeta* index,
                             const model::Item& item) {
  if (!index) return model::KeyAttributes(table.key_schema, item);
  model::Item key;
  for (const std::string& name : IndexReadKeyNames(table, *index)) {
    auto it = item.find(name);
    if (it != item.end()) key.emplace(it->first, it->second);
  }
  return key;
}

// A table item read for an LSI entry: each is rounded up to 4 KB on its own.
double FetchUnits(size_t bytes, bool consistent) {
  double units = std::max(1.0, std::ceil(bytes / 4096.0));
  return consistent ? units : units / 2;
}

void WriteUnitsMember(json::Writer& w, const char* key, double units) {
  w.Key(key);
  w.StartObject();
  w.Key("CapacityUnits");
  w.Double(units);
  w.EndObject();
}

// ConsumedCapacity of an index read: the index's share (its entries) and the table's (the LSI
// fetches, 0 otherwise); with INDEXES, both apart (shared/spec/indexes.md §3.6, §4.4).
void WriteIndexReadCapacity(json::Writer& w, ReturnCapacity detail, const storage::TableMeta& table,
                            const storage::IndexMeta& index, double index_units,
                            double table_units) {
  w.Key("ConsumedCapacity");
  w.StartObject();
  w.Key("TableName");
  json::WriteString(w, table.name);
  w.Key("CapacityUnits");
  w.Double(index_units + table_units);
  if (detail.indexes()) {
    WriteUnitsMember(w, "Table", table_units);
    w.Key(index.global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    w.StartObject();
    WriteUnitsMember(w, index.name.c_str(), index_units);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::unique_ptr<PageCursor> TablePageCursor(std::unique_ptr<storage::ItemCursor> cursor) {
  return std::make_unique<TableItems>(std::move(cursor));
}

std::vector<std::string> IndexReadKeyNames(const storage::TableMeta& table,
                                           const storage::IndexMeta& index) {
  std::vector<std::string> names{table.key_schema.hash_name};
  if (table.key_schema.has_range()) names.push_back(table.key_schema.range_name);
  for (const auto* list : {&index.hash, &index.range}) {
    for (const auto& a : *list) {
      if (std::find(names.begin(), names.end(), a.name) == names.end()) names.push_back(a.name);
    }
  }
  return names;
}

PageStats ReadPage(PageCursor* cursor, const storage::TableMeta& table, const PageOptions& options,
                   const std::function<void(std::string_view, const model::Item*)>& emit) {
  PageStats st;
  std::string fetched;
  for (; cursor && cursor->Valid(); cursor->Next()) {
    if ((options.limit > 0 && st.scanned >= options.limit) || st.bytes >= options.max_bytes) {
      st.stopped_early = true;
      break;
    }
    ++st.scanned;
    st.bytes += cursor->item_size();
    st.entry_bytes += cursor->item_size();
    const std::string_view entry = cursor->item_json();
    st.last_json.assign(entry);
    std::string_view full = entry;  // what the filter and the projection read
    if (options.fetch_from) {
      bool found = false;
      size_t size = 0;
      Status s =
          options.fetch_from->Get(table.id, cursor->table_key(), ~0ull, &fetched, &found, &size);
      if (!s.ok()) throw StatusError(s);
      // An item deleted since the entry was read keeps the entry's attributes.
      if (found) {
        full = fetched;
        st.bytes += size;
        st.fetch_units += FetchUnits(size, options.consistent);
      }
    }
    const std::string_view out = options.return_fetched ? full : entry;
    if (!options.filter && !options.projection && !options.parse_every_item) {
      ++st.count;
      emit(out, nullptr);
      continue;
    }
    model::Item item = ParseStoredItem(full);
    if (options.filter && !expr::EvaluateCondition(*options.filter, &item)) continue;
    ++st.count;
    emit(out, &item);
  }
  if (cursor) {
    Status s = cursor->status();
    if (!s.ok()) throw StatusError(s);
  }
  return st;
}

model::Item PageLastEvaluatedKey(const storage::TableMeta& table, const PageOptions& options,
                                 const PageStats& stats) {
  return LastEvaluatedKey(table, options.index, ParseStoredItem(stats.last_json));
}

void WritePageCapacity(json::Writer& w, const storage::TableMeta& table, const PageOptions& options,
                       const PageStats& stats) {
  if (options.index) {
    WriteIndexReadCapacity(w, options.return_capacity, table, *options.index,
                           ReadUnits(stats.entry_bytes, options.consistent), stats.fetch_units);
  } else {
    WriteConsumedCapacity(w, options.return_capacity, table.name,
                          ReadUnits(stats.bytes, options.consistent));
  }
}

void WritePage(json::Writer& w, PageCursor* cursor, const storage::TableMeta& table,
               const PageOptions& options) {
  if (!options.count_only) {
    w.Key("Items");
    w.StartArray();
  }
  PageStats st =
      ReadPage(cursor, table, options, [&](std::string_view out, const model::Item* item) {
        if (options.count_only) return;
        if (options.projection)
          model::WriteItem(w, expr::Project(*options.projection, *item));
        else
          WriteRawObject(w, out);
      });
  if (!options.count_only) w.EndArray();
  w.Key("Count");
  w.Int64(st.count);
  w.Key("ScannedCount");
  w.Int64(st.scanned);
  if (st.stopped_early && !st.last_json.empty()) {
    w.Key("LastEvaluatedKey");
    model::WriteItem(w, PageLastEvaluatedKey(table, options, st));
  }
  if (options.return_capacity) WritePageCapacity(w, table, options, st);
}

Select ReadSelect(const json::Value& req, bool has_projection, bool on_index,
                  std::string_view operation) {
  auto select = OptString(req, "Select");
  if (!select) {
    if (has_projection) return Select::kSpecificAttributes;
    return on_index ? Select::kAllProjectedAttributes : Select::kAllAttributes;
  }
  if (*select != "ALL_ATTRIBUTES" && *select != "ALL_PROJECTED_ATTRIBUTES" &&
      *select != "SPECIFIC_ATTRIBUTES" && *select != "COUNT") {
    ValidationErrors errors;
    errors.Add(ValidationErrors::Quote(*select), "select",
               "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
               "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
    errors.ThrowIfAny();
  }
  if (*select == "ALL_PROJECTED_ATTRIBUTES" && !on_index) {
    // Query's text carries the "1 validation error detected: " prefix, Scan's does not; both
    // say "Querying" (moto's AWS-verified test_dynamodb_select.py).
    throw ApiError::Validation(
        std::string(operation == "Query" ? "1 validation error detected: " : "") +
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (*select == "SPECIFIC_ATTRIBUTES" && !has_projection) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires "
        "either AttributesToGet or ProjectionExpression");
  }
  if (*select != "SPECIFIC_ATTRIBUTES" && has_projection) {
    // The message names the parameter the request used.
    const char* parameter =
        json::Find(req, "ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet";
    throw ApiError::Validation(
        std::string("One or more parameter values were invalid: Cannot specify the ") + parameter +
        " when choosing to get " + std::string(*select));
  }
  if (*select == "COUNT") return Select::kCount;
  if (*select == "SPECIFIC_ATTRIBUTES") return Select::kSpecificAttributes;
  return *select == "ALL_ATTRIBUTES" ? Select::kAllAttributes : Select::kAllProjectedAttributes;
}

std::string StartKeyOf(const json::Value& start_key, const storage::TableMeta& table) {
  try {
    return model::KeyOfKeyMap(table.key_schema, model::ItemFromJson(start_key));
  } catch (const ApiError& e) {
    throw ApiError::Validation("The provided starting key is invalid: " + e.message());
  }
}

}  // namespace tideline::api
