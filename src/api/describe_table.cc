#include "api/operations.h"
#include "api/request.h"
#include "api/table_description.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDescribeTable(Context& ctx, const json::Value& req) {
  auto name = OptString(req, "TableName");
  ValidationErrors errors;
  CheckTableNameOrArn(name, "tableName", &errors);
  errors.ThrowIfAny();
  const std::string message =
      "Requested resource not found: Table: " + std::string(*name) + " not found";
  auto table = FindTableOrThrow(ctx, *name, message.c_str());
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("Table");
  WriteTableDescription(w, ctx, *table);
  w.EndObject();
  return Finish(buf);
}

}  // namespace tideline::api
