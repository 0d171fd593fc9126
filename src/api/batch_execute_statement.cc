// BatchExecuteStatement: up to 25 PartiQL statements, all reads (each a SELECT of one item by
// its whole key) or all writes, each run on its own as ExecuteStatement runs it; a statement
// that fails gets an Error {Code, Message} in its place of Responses and the others still run
// (shared/spec/partiql-backups.md §3.2).

#include <optional>

#include "api/item_support.h"
#include "api/operations.h"
#include "api/partiql_statements.h"
#include "api/response_body.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {

constexpr size_t kMaxStatements = 25;

// The BatchStatementErrorCodeEnum code of an operation error.
const char* ErrorCode(const ApiError& e) {
  static constexpr std::pair<const char*, const char*> kCodes[] = {
      {"ValidationException", "ValidationError"},
      {"ConditionalCheckFailedException", "ConditionalCheckFailed"},
      {"DuplicateItemException", "DuplicateItem"},
      {"ResourceNotFoundException", "ResourceNotFound"},
      {"TransactionConflictException", "TransactionConflict"},
      {"ItemCollectionSizeLimitExceededException", "ItemCollectionSizeLimitExceeded"},
      {"ProvisionedThroughputExceededException", "ProvisionedThroughputExceeded"},
      {"RequestLimitExceeded", "RequestLimitExceeded"},
      {"ThrottlingException", "ThrottlingError"},
      {"AccessDeniedException", "AccessDenied"}};
  for (const auto& [type, code] : kCodes) {
    if (e.type() == type) return code;
  }
  return "InternalServerError";
}

struct Member {
  StatementRequest request;
  bool consistent = false;
  std::optional<BoundStatement> bound;
  std::optional<ApiError> error;
  bool reached_table = false;  // the error came from running it (TableName is reported)
  std::string item_json;       // the member's Item
  double units = 0;
};

}  // namespace

std::string ExecuteBatchExecuteStatement(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  const json::Value* list = OptArray(req, "Statements");
  if (!list) {
    errors.AddNull("statements");
  } else if (list->Size() == 0) {
    errors.Add("'[]'", "statements", "Member must have length greater than or equal to 1");
  } else if (list->Size() > kMaxStatements) {
    // ⚠ AWS's exact text for more than 25 statements is not recorded; this is the coral form.
    errors.Add("'[...]'", "statements", "Member must have length less than or equal to 25");
  }
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  errors.ThrowIfAny();

  std::vector<Member> members(list->Size());
  for (size_t i = 0; i < members.size(); ++i) {
    const json::Value& entry = (*list)[i];
    if (!entry.IsObject()) throw ApiError::Serialization("Unexpected value type in payload");
    const std::string path = "statements." + std::to_string(i + 1) + ".member.";
    members[i].request = ReadStatementRequest(entry, path, &errors);
    members[i].consistent = OptBool(entry, "ConsistentRead").value_or(false);
    // ReturnValuesOnConditionCheckFailure is validated but inert on a batch member (AWS
    // returns no Item in the Error whatever it says, §2.6).
    ReadReturnOldOnConditionFailure(entry, &errors);
  }
  errors.ThrowIfAny();

  bool reads = false, writes = false;
  for (Member& m : members) {
    try {
      m.bound = BindStatement(ctx, m.request);
      (m.bound->st.is_read() ? reads : writes) = true;
    } catch (const ApiError& e) {
      if (e.http_status() >= 500) throw;
      m.error = e;
    }
  }
  if (reads && writes) {
    // ⚠ DynamoDB Local's message; AWS's is not recorded.
    throw ApiError::Validation(
        "Read and write requests together in the same batch is not supported.");
  }

  for (Member& m : members) {
    if (m.error) continue;
    const BoundStatement& b = *m.bound;
    try {
      if (b.st.is_read()) {
        if (b.index || !b.key) {
          throw ApiError::Validation(
              "Select statements within BatchExecuteStatement must specify the primary key in "
              "the where clause.");
        }
        m.reached_table = true;
        size_t size = 0;
        if (auto row = ReadOneRow(ctx, b, &size)) m.item_json = std::move(*row);
        m.units = ReadUnits(size, m.consistent);
      } else {
        if (b.st.kind == partiql::StatementKind::kExists) {
          throw ApiError::Validation(
              "EXISTS can only be used in ExecuteTransaction write requests.");
        }
        m.reached_table = true;
        SingleWriteOutcome out = RunWrite(ctx, b, false, static_cast<bool>(capacity));
        m.item_json = std::move(out.attributes_json);
        m.units = out.units;
      }
    } catch (const ApiError& e) {
      if (e.http_status() >= 500) throw;
      m.error = e;
    }
  }

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Responses");
  w.StartArray();
  std::vector<std::pair<std::string, double>> units;
  for (const Member& m : members) {
    w.StartObject();
    if (m.error) {
      w.Key("Error");
      w.StartObject();
      w.Key("Code");
      json::WriteString(w, ErrorCode(*m.error));
      w.Key("Message");
      json::WriteString(w, m.error->message());
      w.EndObject();
    }
    if (m.bound && (!m.error || m.reached_table)) {
      w.Key("TableName");
      json::WriteString(w, m.bound->table->name);
    }
    if (!m.error && !m.item_json.empty()) {
      w.Key("Item");
      WriteRawObject(w, m.item_json);
    }
    w.EndObject();
    if (m.bound && !m.error) units.emplace_back(m.bound->table->name, m.units);
  }
  w.EndArray();
  if (capacity) WriteConsumedCapacityList(w, capacity, units);
  return response.Finish();
}

}  // namespace tideline::api
