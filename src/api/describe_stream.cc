// DescribeStream (DynamoDB Streams API): the stream's status, view type, table and key schema,
// and its shards (stream_shards.h) in ShardId order (which is creation order), paged by
// ExclusiveStartShardId and Limit, or filtered to the CHILD_SHARDS of a shard.

#include "api/operations.h"
#include "api/response_body.h"
#include "api/stream_access.h"
#include "api/stream_ids.h"
#include "api/stream_shards.h"
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
  const uint64_t now = ctx.storage.Now();
  const StreamShards shards(stream, now, TrimHorizonTs(now));
  // The shards listed: [from, shards.last()] up to the limit (AWS's default and cap: 100).
  uint64_t from = shards.first();
  uint64_t count = static_cast<uint64_t>(limit.value_or(100));
  if (filter) {
    // A shard's only child is the next one (a rollover never splits a shard).
    auto parent = shards.Find(*filter_shard);
    from = parent ? *parent + 1 : shards.last() + 1;
    count = 1;
  } else if (start_shard) {
    // After the named shard; AWS answers an unknown one with no shards, not an error.
    auto start = shards.Find(*start_shard);
    from = start ? std::max(*start + 1, shards.first()) : shards.last() + 1;
  }
  const uint64_t end = from > shards.last() ? from : std::min(shards.last() + 1, from + count);
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
  for (uint64_t index = from; index < end; ++index) {
    const ShardSpan shard = shards.Span(index);
    w.StartObject();
    w.Key("ShardId");
    json::WriteString(w, shards.Id(index));
    w.Key("SequenceNumberRange");
    w.StartObject();
    w.Key("StartingSequenceNumber");
    json::WriteString(w, StartingSequenceNumber(shard));
    if (shard.closed) {
      w.Key("EndingSequenceNumber");
      json::WriteString(w, EndingSequenceNumber(shard));
    }
    w.EndObject();
    // The parent is named even once it is trimmed (⚠ not documented by AWS for a trimmed
    // parent; the developer guide's loop and the Kinesis adapter treat a shard whose parent is
    // not listed as a root).
    if (index > 0) {
      w.Key("ParentShardId");
      json::WriteString(w, shards.Id(index - 1));
    }
    w.EndObject();
  }
  w.EndArray();
  // Only when shards remain past a full page: a last page has none (AWS's shape).
  if (!filter && end <= shards.last() && end > from) {
    w.Key("LastEvaluatedShardId");
    json::WriteString(w, shards.Id(end - 1));
  }
  w.EndObject();
  return response.Finish();
}

}  // namespace tideline::api
