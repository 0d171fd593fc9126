#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteListTables(Context& ctx, const json::Value& req) {
  auto start = OptString(req, "ExclusiveStartTableName");
  auto limit = OptInteger(req, "Limit");
  ValidationErrors errors;
  if (start) CheckTableNameOrArn(start, "exclusiveStartTableName", &errors);
  if (limit && *limit < 1)
    errors.Add(ValidationErrors::Quote(std::to_string(*limit)), "limit",
               "Member must have value greater than or equal to 1");
  if (limit && *limit > 100)
    errors.Add(ValidationErrors::Quote(std::to_string(*limit)), "limit",
               "Member must have value less than or equal to 100");
  errors.ThrowIfAny();
  const size_t max = static_cast<size_t>(limit.value_or(100));
  const std::string after = start ? TableNameFromNameOrArn(ctx.config, *start) : "";

  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TableNames");
  w.StartArray();
  size_t n = 0;
  std::string last;
  bool more = false;
  for (const auto& t : ctx.storage.ListTables()) {
    if (start && t->name <= after) continue;
    if (n == max) {
      more = true;
      break;
    }
    json::WriteString(w, t->name);
    last = t->name;
    ++n;
  }
  w.EndArray();
  if (more) {
    w.Key("LastEvaluatedTableName");
    json::WriteString(w, last);
  }
  return response.Finish();
}

}  // namespace tideline::api
