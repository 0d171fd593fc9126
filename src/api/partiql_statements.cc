#include "api/partiql_statements.h"

#include <algorithm>

#include "api/index_reads.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "partiql/errors.h"
#include "partiql/plan.h"

namespace tideline::api {

namespace {

constexpr size_t kMaxStatementLength = 8192;

ReturnValues ReturnValuesOf(partiql::Returning r) {
  switch (r) {
    case partiql::Returning::kAllOld:
      return ReturnValues::kAllOld;
    case partiql::Returning::kModifiedOld:
      return ReturnValues::kUpdatedOld;
    case partiql::Returning::kAllNew:
      return ReturnValues::kAllNew;
    case partiql::Returning::kModifiedNew:
      return ReturnValues::kUpdatedNew;
    default:
      return ReturnValues::kNone;
  }
}

// The index "table"."index" names: AWS's message names no index (unlike Query's).
const storage::IndexMeta* FindStatementIndex(const storage::TableMeta& table,
                                             const std::string& name) {
  for (const storage::IndexMeta& index : table.indexes) {
    if (index.name == name && index.status != "DELETING") return &FindIndexOrThrow(table, name);
  }
  throw ApiError::Validation("The table does not have the specified index");
}

}  // namespace

ApiError DuplicateItem() {
  return ApiError(400, "DuplicateItemException", "Duplicate primary key exists in table");
}

StatementRequest ReadStatementRequest(const json::Value& req, const std::string& path,
                                      ValidationErrors* errors) {
  StatementRequest out;
  auto text = OptString(req, "Statement");
  if (!text) {
    errors->AddNull(path + "statement");
  } else if (text->empty()) {
    errors->Add("''", path + "statement", "Member must have length greater than or equal to 1");
  } else if (text->size() > kMaxStatementLength) {
    // ⚠ DynamoDB Local counts UTF-8 bytes here; AWS's exact text is not recorded.
    errors->Add(ValidationErrors::Quote(*text), path + "statement",
                "Member must have length less than or equal to 8192");
  } else {
    out.text = *text;
  }
  if (const json::Value* params = OptArray(req, "Parameters")) {
    if (params->Size() == 0) {
      errors->Add("'[]'", path + "parameters",
                  "Member must have length greater than or equal to 1");
    }
    for (const auto& p : params->GetArray()) {
      if (!p.IsObject()) throw ApiError::Serialization("Unexpected value type in payload");
      out.parameters.push_back(model::AttributeValueFromJson(p));
    }
  }
  return out;
}

BoundStatement BindStatement(Context& ctx, const StatementRequest& request) {
  BoundStatement b;
  b.st = partiql::ParseStatement(request.text, request.parameters);
  b.table = FindTableOrThrow(ctx, b.st.table);
  const model::KeySchema& schema = b.table->key_schema;
  if (b.st.index) b.index = FindStatementIndex(*b.table, *b.st.index);
  switch (b.st.kind) {
    case partiql::StatementKind::kInsert:
      b.key = model::KeyAttributes(schema, b.st.item);
      b.condition = partiql::WriteCondition(b.st, schema.hash_name);
      break;
    case partiql::StatementKind::kUpdate:
    case partiql::StatementKind::kDelete:
    case partiql::StatementKind::kExists:
      b.key = partiql::SingleItemKey(b.st.where.get(), schema.hash_name, schema.range_name);
      if (!b.key) partiql::Invalid(partiql::kMissingKeyEquality);
      b.condition = partiql::WriteCondition(b.st, schema.hash_name);
      break;
    case partiql::StatementKind::kSelect:
      // A SELECT of one item by its whole key reads it as GetItem does; anything else (two
      // conditions on a key attribute too) goes through the page loop.
      if (!b.index) {
        try {
          b.key = partiql::SingleItemKey(b.st.where.get(), schema.hash_name, schema.range_name);
        } catch (const ApiError&) {
        }
        if (b.key &&
            (b.key->at(schema.hash_name).type != schema.hash_type ||
             (schema.has_range() && b.key->at(schema.range_name).type != schema.range_type))) {
          b.key.reset();  // a key of another type names no item: the page loop finds none
        }
      }
      break;
  }
  return b;
}

SingleWriteOutcome RunWrite(Context& ctx, const BoundStatement& b, bool return_old_on_failure,
                            bool need_capacity) {
  const ReturnValues rv = ReturnValuesOf(b.st.returning);
  switch (b.st.kind) {
    case partiql::StatementKind::kInsert:
      try {
        return PutSingleItem(ctx, *b.table, b.st.item, b.condition.get(), ReturnValues::kNone,
                             false, need_capacity);
      } catch (const ApiError& e) {
        if (e.type() == "ConditionalCheckFailedException") throw DuplicateItem();
        throw;
      }
    case partiql::StatementKind::kUpdate:
      return UpdateSingleItem(ctx, *b.table, *b.key, b.st.update.get(), b.condition.get(), rv,
                              return_old_on_failure);
    case partiql::StatementKind::kDelete:
      return DeleteSingleItem(ctx, *b.table, *b.key, b.condition.get(), rv, return_old_on_failure);
    default:
      throw ApiError::Validation("EXISTS can only be used in ExecuteTransaction write requests.");
  }
}

std::optional<std::string> ReadOneRow(Context& ctx, const BoundStatement& b, size_t* size) {
  return ReadRowAt(ctx, b, *b.key, size);
}

std::optional<std::string> ReadRowAt(Context& ctx, const BoundStatement& b,
                                     const model::Item& key_map, size_t* size) {
  const model::KeySchema& schema = b.table->key_schema;
  const std::string key = model::KeyOfKeyMap(schema, key_map);
  std::string item_json;
  bool found = false;
  Status s = ctx.storage.Get(b.table->id, key, ~0ull, &item_json, &found, size);
  if (!s.ok()) throw StatusError(s);
  if (!found) return std::nullopt;
  if (b.st.select_all &&
      partiql::WhereIsOnlyKeyEqualities(b.st.where.get(), schema.hash_name, schema.range_name)) {
    return item_json;
  }
  model::Item item = ParseStoredItem(item_json);
  if (b.st.where && !expr::EvaluateCondition(*b.st.where, &item)) return std::nullopt;
  return model::ItemToJson(partiql::SelectRow(b.st, item));
}

}  // namespace tideline::api
