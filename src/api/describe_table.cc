#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/table_description.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDescribeTable(Context& ctx, const json::Value& req) {
  auto table = FindRequestedTable(ctx, req);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Table");
  WriteTableDescription(w, ctx, *table);
  return response.Finish();
}

}  // namespace tideline::api
