#include "api/index_reads.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "common/api_error.h"

namespace tideline::api {

namespace {

constexpr const char* kInvalidParameters = "One or more parameter values were invalid: ";

// The attributes every entry of `index` holds without fetching: the table's and the index's
// keys, plus INCLUDE's attributes (empty for ALL: everything).
std::vector<std::string> ProjectedNames(const storage::TableMeta& table,
                                        const storage::IndexMeta& index) {
  std::vector<std::string> names = IndexReadKeyNames(table, index);
  for (const std::string& n : index.non_key_attributes) names.push_back(n);
  return names;
}

std::vector<std::string> NotProjected(const std::vector<std::string>& projected,
                                      const std::vector<std::string>& wanted) {
  std::vector<std::string> missing;
  for (const std::string& n : wanted) {
    if (std::find(projected.begin(), projected.end(), n) == projected.end()) missing.push_back(n);
  }
  return missing;
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

[[noreturn]] void InvalidStartKey(std::string_view detail = {}) {
  throw ApiError::Validation("The provided starting key is invalid" +
                             (detail.empty() ? std::string() : ": " + std::string(detail)));
}

// An index cursor that starts strictly after a position: the entries with the start's index key
// come in table-key order (backwards when reversed); those up to the start are skipped.
class IndexEntries : public PageCursor {
 public:
  IndexEntries(std::unique_ptr<storage::IndexCursor> cursor, bool reverse,
               const IndexPosition* start)
      : cursor_(std::move(cursor)) {
    if (!start) return;
    while (cursor_->Valid() && cursor_->index_key() == start->index_key &&
           (reverse ? cursor_->table_key() >= start->table_key
                    : cursor_->table_key() <= start->table_key)) {
      cursor_->Next();
    }
  }
  bool Valid() const override { return cursor_->Valid(); }
  void Next() override { cursor_->Next(); }
  std::string_view item_json() const override { return cursor_->item_json(); }
  size_t item_size() const override { return cursor_->item_size(); }
  std::string_view table_key() const override { return cursor_->table_key(); }
  Status status() const override { return cursor_->status(); }

 private:
  std::unique_ptr<storage::IndexCursor> cursor_;
};

}  // namespace

const storage::IndexMeta& FindIndexOrThrow(const storage::TableMeta& table, std::string_view name) {
  for (const storage::IndexMeta& index : table.indexes) {
    if (index.name != name || index.status == "DELETING") continue;
    if (index.status == "CREATING") {
      throw ApiError::Validation("Cannot read from backfilling global secondary index: " +
                                 index.name);
    }
    return index;
  }
  throw ApiError::Validation("The table does not have the specified index: " + std::string(name));
}

std::vector<std::string> IndexKeyNames(const storage::IndexMeta& index) {
  std::vector<std::string> names;
  for (const auto* list : {&index.hash, &index.range}) {
    for (const auto& a : *list) names.push_back(a.name);
  }
  return names;
}

bool CheckIndexRead(const storage::TableMeta& table, const storage::IndexMeta& index, Select select,
                    const expr::Projection* projection, const expr::Condition* filter,
                    bool consistent) {
  if (index.global && consistent) {
    throw ApiError::Validation("Consistent reads are not supported on global secondary indexes");
  }
  if (index.projection == storage::IndexMeta::Projection::kAll) return false;
  const std::vector<std::string> projected = ProjectedNames(table, index);
  const std::vector<std::string> asked =
      projection ? expr::ProjectionTopLevelNames(*projection) : std::vector<std::string>();
  if (index.global) {
    if (select == Select::kAllAttributes) {
      throw ApiError::Validation(std::string(kInvalidParameters) +
                                 "Select type ALL_ATTRIBUTES is not supported for global "
                                 "secondary index " +
                                 index.name + " because its projection type is not ALL");
    }
    // A GSI cannot fetch from the table. (A filter on an attribute it does not project is not
    // documented: it sees the entry, where that attribute is absent.)
    std::vector<std::string> missing = NotProjected(projected, asked);
    if (!missing.empty()) {
      throw ApiError::Validation(std::string(kInvalidParameters) + "Global secondary index " +
                                 index.name + " does not project [" + Joined(missing) + "]");
    }
    return false;
  }
  if (select == Select::kAllAttributes) return true;
  if (!NotProjected(projected, asked).empty()) return true;
  return filter && !NotProjected(projected, expr::ConditionTopLevelNames(*filter)).empty();
}

IndexPosition IndexStartKeyOf(const json::Value& start_key, const storage::TableMeta& table,
                              const storage::IndexMeta& index) {
  model::Item key;
  try {
    key = model::ItemFromJson(start_key);
  } catch (const ApiError& e) {
    InvalidStartKey(e.message());
  }
  // Exactly the table's and the index's key attributes (dynalite's tests, recorded on AWS).
  const std::vector<std::string> names = IndexReadKeyNames(table, index);
  if (key.size() != names.size()) InvalidStartKey();
  for (const std::string& n : names) {
    if (!key.count(n)) InvalidStartKey();
  }
  IndexPosition position;
  try {
    position.table_key =
        model::KeyOfKeyMap(table.key_schema, model::KeyAttributes(table.key_schema, key));
  } catch (const ApiError& e) {
    InvalidStartKey(e.message());
  }
  const model::IndexKeySchema schema = index.key_schema();
  for (const auto* list : {&schema.hash, &schema.range}) {
    for (const model::KeyAttribute& a : *list) {
      if (key.at(a.name).type != a.type) {
        InvalidStartKey("The provided key element does not match the schema");
      }
    }
  }
  std::optional<std::string> index_key;
  try {
    index_key = model::IndexKeyOfItem(schema, key, index.name);
  } catch (const ApiError& e) {
    InvalidStartKey(e.message());
  }
  if (!index_key) InvalidStartKey();
  position.index_key = std::move(*index_key);
  return position;
}

std::unique_ptr<PageCursor> IndexPageCursor(const storage::Storage& storage,
                                            const storage::TableMeta& table,
                                            const storage::IndexMeta& index, KeyRange range,
                                            bool reverse, const IndexPosition* start) {
  if (start) {
    // The cursor's bounds compare an entry's index key followed by its table item's user key
    // (storage orders ties by user key: key_layout.h, 'j'), so a page restarts right at the
    // start entry, however many entries share its index key; IndexEntries skips the entry.
    std::string at = start->index_key + start->table_key;
    if (reverse) {
      if (range.upper.empty() || at < range.upper) range.upper = std::move(at);
    } else {
      range.lower = std::max(range.lower, at);
    }
  }
  return std::make_unique<IndexEntries>(
      storage.NewIndexCursor(table.id, index.id, std::move(range.lower), std::move(range.upper),
                             reverse),
      reverse, start);
}

}  // namespace tideline::api
