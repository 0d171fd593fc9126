// DescribeStream (DynamoDB Streams API): the stream's status, view type, table and key schema,
// and its shards (one per stream: stream_ids.h), paged by ExclusiveStartShardId and filterable
// to the CHILD_SHARDS of a shard (a Tideline shard has none).

#include "api/operations.h"
#include "api/response_body.h"
#include "api/stream_access.h"
#include "api/stream_ids.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteDescribeStream(Context& ctx, const json::Value& req) {
  auto arn = OptString(req, "StreamArn");
  auto limit = OptInteger(req, "Limit");
  auto start_shard = OptString(req, "ExclusiveStartShardId");
  const json::Value* filter = OptObject(req, "ShardFilter");
  ValidationErrors errors;
  if (!arn)
    errors.AddNull("streamArn");
  else
    CheckLength(*arn, "streamArn", 37, 1024, &errors);
  if (limit) CheckRange(*limit, "limit", 1, 100, &errors);
  if (start_shard) CheckLength(*start_shard, "exclusiveStartShardId", 28, 65, &errors);
  std::optional<std::string_view> filter_shard;
  if (filter) {
    auto type = OptString(*filter, "Type");
    filter_shard = OptString(*filter, "ShardId");
    if (!type) {
      errors.AddNull("shardFilter.type");
    } else if (*type != "CHILD_SHARDS") {
      errors.Add(ValidationErrors::Quote(*type), "shardFilter.type",
                 "Member must satisfy enum value set: [CHILD_SHARDS]");
    }
    if (!filter_shard)
      errors.AddNull("shardFilter.shardId");
    else
      CheckLength(*filter_shard, "shardFilter.shardId", 28, 65, &errors);
  }
  errors.ThrowIfAny();
  const storage::StreamDescriptor stream = FindStreamOrThrow(ctx, *arn);
  const std::string shard_id = ShardIdOf(stream);
  // A shard listed unless the page starts after it (shards in ShardId order: AWS's) or the
  // filter asks for children, which a Tideline shard never has.
  const bool list_shard = !filter && (!start_shard || shard_id > *start_shard);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("StreamDescription");
  w.StartObject();
  w.Key("StreamArn");
  json::WriteString(w, *arn);
  w.Key("StreamLabel");
  json::WriteString(w, stream.label);
  w.Key("StreamStatus");
  w.String(stream.enabled() ? "ENABLED" : "DISABLED");
  w.Key("StreamViewType");
  json::WriteString(w, stream.view_type);
  w.Key("CreationRequestDateTime");
  WriteTimestamp(w, stream.created_ms);
  w.Key("TableName");
  json::WriteString(w, stream.table_name);
  w.Key("KeySchema");
  w.StartArray();
  w.StartObject();
  w.Key("AttributeName");
  json::WriteString(w, stream.key_schema.hash_name);
  w.Key("KeyType");
  w.String("HASH");
  w.EndObject();
  if (!stream.key_schema.range_name.empty()) {
    w.StartObject();
    w.Key("AttributeName");
    json::WriteString(w, stream.key_schema.range_name);
    w.Key("KeyType");
    w.String("RANGE");
    w.EndObject();
  }
  w.EndArray();
  w.Key("Shards");
  w.StartArray();
  if (list_shard) {
    w.StartObject();
    w.Key("ShardId");
    json::WriteString(w, shard_id);
    w.Key("SequenceNumberRange");
    w.StartObject();
    w.Key("StartingSequenceNumber");
    json::WriteString(w, StartingSequenceNumber(stream));
    if (!stream.enabled()) {
      w.Key("EndingSequenceNumber");
      json::WriteString(w, EndingSequenceNumber(stream));
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return response.Finish();
}

}  // namespace tideline::api
