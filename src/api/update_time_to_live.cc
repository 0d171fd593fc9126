// UpdateTimeToLive: enables or disables Time to Live on one attribute of a table, with
// DynamoDB's checks and messages (shared/spec/streams-ttl.md §5). The setting takes effect at
// once (DescribeTimeToLive shows ENABLED or DISABLED, never ENABLING/DISABLING, as observed on
// AWS); the expiry sweeper (storage/expiry_sweeper.h) deletes the expired items.

#include "api/operations.h"
#include "api/request.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

}  // namespace

std::string ExecuteUpdateTimeToLive(Context& ctx, const json::Value& req) {
  auto name = OptString(req, "TableName");
  const json::Value* spec = OptObject(req, "TimeToLiveSpecification");
  ValidationErrors errors;
  CheckTableNameOrArn(name, "tableName", &errors);
  std::optional<bool> enabled;
  std::optional<std::string_view> attribute;
  if (!spec) {
    errors.AddNull("timeToLiveSpecification");
  } else {
    enabled = OptBool(*spec, "Enabled");
    attribute = OptString(*spec, "AttributeName");
    if (!attribute) {
      errors.AddNull("timeToLiveSpecification.attributeName");
    } else if (attribute->empty()) {
      errors.Add("''", "timeToLiveSpecification.attributeName",
                 "Member must have length greater than or equal to 1");
    } else if (CodePoints(*attribute) > 255) {
      errors.Add(ValidationErrors::Quote(*attribute), "timeToLiveSpecification.attributeName",
                 "Member must have length less than or equal to 255");
    }
    if (!enabled) errors.AddNull("timeToLiveSpecification.enabled");
  }
  errors.ThrowIfAny();
  auto table = FindRequestedTable(ctx, req);
  const std::string& current = table->ttl_attribute;
  // The checks of the content come before the cooldown's (ACK-lab DDB-TABLE-143/147).
  if (*enabled) {
    if (current == *attribute) throw ApiError::Validation("TimeToLive is already enabled");
  } else if (current.empty()) {
    throw ApiError::Validation("TimeToLive is already disabled");
  }
  if (!current.empty() && current != *attribute) {
    throw ApiError::Validation(
        "TimeToLive is active on a different AttributeName: current AttributeName is " + current);
  }
  const int64_t now = NowMillis();
  if (table->ttl_last_change_ms != 0 &&
      now - table->ttl_last_change_ms < ctx.config.ttl_cooldown_s * 1000) {
    throw ApiError::Validation(
        "Time to live has been modified multiple times within a fixed interval");
  }
  storage::TableMeta meta = *table;
  meta.ttl_attribute = *enabled ? std::string(*attribute) : std::string();
  meta.ttl_last_change_ms = now;
  Status s = ctx.storage.UpdateTable(meta);
  if (s.IsNotFound()) throw ApiError::ResourceNotFound(TableNotFoundMessage(*name));
  if (!s.ok()) throw StatusError(s);
  // The request's specification, echoed (ScyllaDB test_ttl_enable, run against AWS).
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("TimeToLiveSpecification");
  w.StartObject();
  w.Key("Enabled");
  w.Bool(*enabled);
  w.Key("AttributeName");
  json::WriteString(w, *attribute);
  w.EndObject();
  return response.Finish();
}

}  // namespace tideline::api
