// ListStreams (DynamoDB Streams API): the streams kept, of one table or all, in ARN order, paged
// by ExclusiveStartStreamArn / LastEvaluatedStreamArn (the ARN of the last stream returned).
// Disabled streams, and those of deleted tables, are listed for 24 hours.

#include "api/operations.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "api/stream_access.h"
#include "api/stream_ids.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteListStreams(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  auto limit = OptInteger(req, "Limit");
  auto start = OptString(req, "ExclusiveStartStreamArn");
  ValidationErrors errors;
  if (table_name) CheckTableName(table_name, "tableName", &errors);
  if (limit) CheckRange(*limit, "limit", 1, 100, &errors);
  if (start) CheckLength(*start, "exclusiveStartStreamArn", 37, 1024, &errors);
  errors.ThrowIfAny();
  std::string after;
  if (start) {
    CheckStreamArnForm(ctx, *start);
    bool foreign = false;
    auto parsed = ParseStreamArn(ctx.config, *start, &foreign);
    after = parsed->table_name + "/stream/" + parsed->label;
  }
  std::vector<storage::StreamDescriptor> streams;
  bool more = false;
  Status s = ctx.storage.ListStreams(table_name.value_or(""), after,
                                     static_cast<size_t>(limit.value_or(100)), &streams, &more);
  if (!s.ok()) throw StatusError(s);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("Streams");
  w.StartArray();
  std::string last_arn;
  for (const auto& stream : streams) {
    last_arn = StreamArn(ctx.config, stream.table_name, stream.label);
    w.StartObject();
    w.Key("StreamArn");
    json::WriteString(w, last_arn);
    w.Key("TableName");
    json::WriteString(w, stream.table_name);
    w.Key("StreamLabel");
    json::WriteString(w, stream.label);
    w.EndObject();
  }
  w.EndArray();
  if (more) {
    w.Key("LastEvaluatedStreamArn");
    json::WriteString(w, last_arn);
  }
  return response.Finish();
}

}  // namespace tideline::api
