// ExecuteStatement: one PartiQL statement (api/partiql_statements.h). A SELECT answers one page
// of Items (NextToken when more may remain); a write answers Items holding what RETURNING asked
// for, or nothing.

#include <functional>

#include "api/index_write_metrics.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/partiql_statements.h"
#include "api/response_body.h"
#include "common/api_error.h"

namespace tideline::api {

namespace {

// What a NextToken is bound to: the statement and its parameters.
std::string Fingerprint(const json::Value& req, std::string_view text) {
  std::string material(text);
  if (const json::Value* params = json::Find(req, "Parameters")) material += json::Print(*params);
  char hex[17];
  snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>()(material));
  return hex;
}

}  // namespace

std::string ExecuteExecuteStatement(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  StatementRequest request = ReadStatementRequest(req, "", &errors);
  const auto limit = ReadLimit(req, &errors);
  const auto next_token = OptString(req, "NextToken");
  if (next_token && (next_token->empty() || next_token->size() > 32768)) {
    errors.Add(ValidationErrors::Quote(*next_token), "nextToken",
               next_token->empty() ? "Member must have length greater than or equal to 1"
                                   : "Member must have length less than or equal to 32768");
  }
  const bool consistent = OptBool(req, "ConsistentRead").value_or(false);
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  const bool return_old_on_failure = ReadReturnOldOnConditionFailure(req, &errors);
  errors.ThrowIfAny();

  BoundStatement b = BindStatement(ctx, request);
  ResponseBody response;
  json::Writer& w = response.writer();
  if (b.st.is_read()) {
    SelectPageRequest page{limit.value_or(0), consistent, capacity, next_token,
                           [&] { return Fingerprint(req, request.text); }};
    WriteSelectPage(w, ctx, b, page);
    return response.Finish();
  }
  SingleWriteOutcome out = RunWrite(ctx, b, return_old_on_failure, static_cast<bool>(capacity));
  w.Key("Items");
  w.StartArray();
  if (!out.attributes_json.empty()) WriteRawObject(w, out.attributes_json);
  w.EndArray();
  WriteSingleWriteMetrics(w, ctx, *b.table, capacity, out.units, out.index_writes, false,
                          b.key->at(b.table->key_schema.hash_name));
  return response.Finish();
}

}  // namespace tideline::api
