// ExecuteTransaction: up to 100 PartiQL statements, all SELECTs of one item by its whole key
// (read at one instant, as TransactGetItems reads) or all writes and EXISTS checks (committed
// all or nothing by TransactWriteItems' commit, api/transact_write.h). A statement the
// transaction cannot take fails the request with "Validation failed in TransactStatements[i]:
// ..." (shared/spec/partiql-backups.md §3.3).

#include <set>

#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/partiql_statements.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/transact_write.h"
#include "common/api_error.h"
#include "partiql/plan.h"

namespace tideline::api {

namespace {

constexpr size_t kMaxStatements = 100;

[[noreturn]] void StatementInvalid(size_t i, const std::string& message) {
  throw ApiError::Validation("Validation failed in TransactStatements[" + std::to_string(i) +
                             "]: " + message);
}

BoundStatement BindMember(Context& ctx, const StatementRequest& request, size_t i) {
  BoundStatement b;
  try {
    b = BindStatement(ctx, request);
  } catch (const ApiError& e) {
    if (e.type() != "ValidationException") throw;
    StatementInvalid(i, e.message());
  }
  if (b.st.returning != partiql::Returning::kNone) {
    StatementInvalid(i, "RETURNING clause is not supported in ExecuteTransaction.");
  }
  if (b.st.is_read() && b.index) {
    StatementInvalid(i, "Reads on indices are not supported within transactions.");
  }
  if (b.st.is_read() && !b.key) {
    // ⚠ DynamoDB Local's message; AWS's is not recorded.
    StatementInvalid(i,
                     "Select statements within ExecuteTransaction must specify the primary key "
                     "in the where clause.");
  }
  return b;
}

std::string Reads(Context& ctx, const std::vector<BoundStatement>& statements,
                  ReturnCapacity capacity) {
  std::vector<storage::ItemRef> refs;
  std::set<std::pair<uint64_t, std::string>> targets;
  for (const BoundStatement& b : statements) {
    refs.push_back({b.table->id, model::KeyOfKeyMap(b.table->key_schema, *b.key)});
    if (!targets.emplace(refs.back().table_id, refs.back().user_key).second) {
      throw ApiError::Validation(
          "Transaction request cannot include multiple operations on one item");
    }
  }
  std::vector<std::optional<std::string>> found;
  std::vector<size_t> sizes;
  Status s = ctx.storage.GetLatest(refs, &found, &sizes);
  if (!s.ok()) throw StatusError(s);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Responses");
  w.StartArray();
  for (size_t i = 0; i < statements.size(); ++i) {
    const BoundStatement& b = statements[i];
    w.StartObject();
    if (found[i]) {
      model::Item item = ParseStoredItem(*found[i]);
      if (!b.st.where || expr::EvaluateCondition(*b.st.where, &item)) {
        w.Key("Item");
        model::WriteItem(w, partiql::SelectRow(b.st, item));
      }
    }
    w.EndObject();
  }
  w.EndArray();
  if (capacity) {
    std::vector<std::pair<std::string, double>> units;
    // A transactional read costs twice a consistent one.
    for (size_t i = 0; i < statements.size(); ++i)
      units.emplace_back(statements[i].table->name, 2 * ReadUnits(sizes[i], true));
    WriteConsumedCapacityList(w, capacity, units);
  }
  return response.Finish();
}

TransactWriteAction ActionOf(BoundStatement& b, bool return_old_on_failure) {
  TransactWriteAction a;
  a.table = b.table;
  a.condition = b.condition;
  a.return_old_on_failure = return_old_on_failure;
  switch (b.st.kind) {
    case partiql::StatementKind::kInsert:
      a.kind = TransactActionKind::kPut;
      a.item = b.st.item;
      // ⚠ The cancellation code of a duplicate INSERT is not documented; this one mirrors
      // BatchExecuteStatement's DuplicateItem.
      a.failure_code = "DuplicateItem";
      a.failure_message = "Duplicate primary key exists in table";
      break;
    case partiql::StatementKind::kUpdate:
      a.kind = TransactActionKind::kUpdate;
      a.item = *b.key;
      a.update = b.st.update;
      break;
    case partiql::StatementKind::kDelete:
      a.kind = TransactActionKind::kDelete;
      a.item = *b.key;
      break;
    default:
      a.kind = TransactActionKind::kConditionCheck;
      a.item = *b.key;
      break;
  }
  try {
    a.key = a.kind == TransactActionKind::kPut ? model::KeyOfItem(a.table->key_schema, a.item)
                                               : model::KeyOfKeyMap(a.table->key_schema, a.item);
    if (a.kind == TransactActionKind::kPut && model::ItemSize(a.item) > model::kMaxItemSize) {
      throw ApiError::Validation("Item size has exceeded the maximum allowed size");
    }
  } catch (const ApiError& e) {
    if (e.type() != "ValidationException") throw;
    a.item_error = e.message();
  }
  if (a.update) expr::CheckUpdateKeys(*a.update, a.table->key_schema);
  return a;
}

}  // namespace

std::string ExecuteExecuteTransaction(Context& ctx, const json::Value& req) {
  auto token = OptString(req, "ClientRequestToken");
  ValidationErrors errors;
  const json::Value* list = OptArray(req, "TransactStatements");
  if (!list) {
    errors.AddNull("transactStatements");
  } else if (list->Size() == 0) {
    errors.Add("'[]'", "transactStatements", "Member must have length greater than or equal to 1");
  } else if (list->Size() > kMaxStatements) {
    errors.Add("'[...]'", "transactStatements",
               "Member must have length less than or equal to 100");
  }
  if (token && (token->empty() || token->size() > 36))
    errors.Add(ValidationErrors::Quote(*token), "clientRequestToken",
               token->empty() ? "Member must have length greater than or equal to 1"
                              : "Member must have length less than or equal to 36");
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  errors.ThrowIfAny();

  std::vector<StatementRequest> requests;
  std::vector<bool> return_old;
  for (size_t i = 0; i < list->Size(); ++i) {
    const json::Value& entry = (*list)[i];
    if (!entry.IsObject()) throw ApiError::Serialization("Unexpected value type in payload");
    const std::string path = "transactStatements." + std::to_string(i + 1) + ".member.";
    requests.push_back(ReadStatementRequest(entry, path, &errors));
    return_old.push_back(ReadReturnOldOnConditionFailure(entry, &errors));
  }
  errors.ThrowIfAny();

  std::vector<BoundStatement> statements;
  bool reads = false, writes = false;
  for (size_t i = 0; i < requests.size(); ++i) {
    statements.push_back(BindMember(ctx, requests[i], i));
    (statements.back().st.is_read() ? reads : writes) = true;
  }
  if (reads && writes) {
    // ⚠ DynamoDB Local's message; AWS's is not recorded.
    throw ApiError::Validation(
        "ExecuteTransaction API does not support both read and write operations in the same "
        "request.");
  }
  if (reads) return Reads(ctx, statements, capacity);

  std::vector<TransactWriteAction> actions;
  std::set<std::pair<uint64_t, std::string>> targets;
  for (size_t i = 0; i < statements.size(); ++i) {
    actions.push_back(ActionOf(statements[i], return_old[i]));
    const TransactWriteAction& a = actions.back();
    if (a.item_error.empty() && !targets.emplace(a.table->id, a.key).second) {
      throw ApiError::Validation(
          "Transaction request cannot include multiple operations on one item");
    }
  }
  ThrowIfInvalidItems(actions);
  TransactWriteResult result =
      RunTransactWrite(ctx, actions, token, token ? json::Print(*list) : std::string());

  ResponseBody response;
  json::Writer& w = response.writer();
  // Writes answer an empty list (LocalStack's AWS-validated snapshot, spec §3.3).
  w.Key("Responses");
  w.StartArray();
  w.EndArray();
  if (capacity) {
    std::vector<WriteCharge> charges;
    std::set<uint64_t> indexed;
    for (size_t i = 0; i < actions.size(); ++i) {
      // A replay writes nothing and is charged as a read of each item (spec §2.5).
      const double units =
          result.replayed ? 2 * ReadUnits(0, true) : 2 * WriteUnits(result.charged_sizes[i]);
      charges.push_back({actions[i].table->name, units});
      if (!result.replayed && !actions[i].table->indexes.empty() &&
          indexed.insert(actions[i].table->id).second)
        AddIndexUnits(*actions[i].table, result.index_writes, &charges.back());
    }
    WriteWriteCapacityList(w, capacity, charges);
  }
  return response.Finish();
}

}  // namespace tideline::api
