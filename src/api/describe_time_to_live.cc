// DescribeTimeToLive: ENABLED with the attribute, or DISABLED without one (a disabled setting
// forgets its attribute, as on AWS: shared/spec/streams-ttl.md §5.2).

#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDescribeTimeToLive(Context& ctx, const json::Value& req) {
  auto table = FindRequestedTable(ctx, req);
  if (table->restore_in_progress) {
    throw ApiError::Validation(
        "Cannot describe time to live while table is in CREATING state: Current table state is "
        "CREATING");
  }
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TimeToLiveDescription");
  w.StartObject();
  w.Key("TimeToLiveStatus");
  w.String(table->ttl_attribute.empty() ? "DISABLED" : "ENABLED");
  if (!table->ttl_attribute.empty()) {
    w.Key("AttributeName");
    json::WriteString(w, table->ttl_attribute);
  }
  w.EndObject();
  return response.Finish();
}

}  // namespace tideline::api
