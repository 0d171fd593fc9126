#pragma once
// A stream record as GetRecords returns it, shaped as AWS shapes it
// (shared/spec/streams-ttl.md §3): eventID, eventName, eventVersion "1.1", eventSource
// "aws:dynamodb", awsRegion, dynamodb {ApproximateCreationDateTime, Keys, NewImage / OldImage
// as the view type shows them, SequenceNumber, SizeBytes, StreamViewType}, and for a Time to
// Live deletion userIdentity {PrincipalId: dynamodb.amazonaws.com, Type: Service}.

#include "api/context.h"
#include "json/json.h"
#include "storage/stream_log.h"

namespace tideline::api {

// Writes the record; returns its SizeBytes.
size_t WriteStreamRecord(json::Writer& w, const ServerConfig& config,
                         const storage::StreamDescriptor& stream, std::string_view stream_arn,
                         const storage::StreamRecord& record);

}  // namespace tideline::api
