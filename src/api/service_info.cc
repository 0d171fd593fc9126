// Operations that describe the service rather than a table: DescribeEndpoints and
// DescribeLimits.

#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"

namespace tideline::api {

std::string ExecuteDescribeEndpoints(Context& ctx, const json::Value&) {
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Endpoints");
  w.StartArray();
  w.StartObject();
  w.Key("Address");
  json::WriteString(w, ctx.config.host + ":" + std::to_string(ctx.config.port));
  w.Key("CachePeriodInMinutes");
  w.Int(1440);
  w.EndObject();
  w.EndArray();
  return response.Finish();
}

std::string ExecuteDescribeLimits(Context&, const json::Value&) {
  return "{\"AccountMaxReadCapacityUnits\":80000,\"AccountMaxWriteCapacityUnits\":80000,"
         "\"TableMaxReadCapacityUnits\":40000,\"TableMaxWriteCapacityUnits\":40000}";
}

}  // namespace tideline::api
