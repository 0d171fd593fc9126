#include "api/operations.h"
#include "api/request.h"
#include "api/table_description.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDescribeTable(Context& ctx, const json::Value& req) {
  auto table = FindRequestedTable(ctx, req);
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("Table");
  WriteTableDescription(w, ctx, *table);
  w.EndObject();
  return Finish(buf);
}

}  // namespace tideline::api
