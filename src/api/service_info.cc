// Operations that describe the service rather than a table: DescribeEndpoints,
// DescribeLimits, and DescribeTimeToLive (TTL is not supported yet, so always DISABLED).

#include "api/operations.h"
#include "api/request.h"

namespace tideline::api {

std::string ExecuteDescribeEndpoints(Context& ctx, const json::Value&) {
  return "{\"Endpoints\":[{\"Address\":\"" + ctx.config.host + ":" +
         std::to_string(ctx.config.port) + "\",\"CachePeriodInMinutes\":1440}]}";
}

std::string ExecuteDescribeLimits(Context&, const json::Value&) {
  return "{\"AccountMaxReadCapacityUnits\":80000,\"AccountMaxWriteCapacityUnits\":80000,"
         "\"TableMaxReadCapacityUnits\":40000,\"TableMaxWriteCapacityUnits\":40000}";
}

std::string ExecuteDescribeTimeToLive(Context& ctx, const json::Value& req) {
  FindRequestedTable(ctx, req);
  return "{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"DISABLED\"}}";
}

}  // namespace tideline::api
