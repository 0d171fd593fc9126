#pragma once
// StreamSpecification of CreateTable and UpdateTable (shared/spec/streams-ttl.md §1): its shape
// against the service model, DynamoDB's rules on enabling and disabling, and the stream
// settings it gives the table (storage::TableMeta stream_view_type and stream_label; storage
// opens and closes the streams themselves).

#include "api/request.h"
#include "storage/table_meta.h"

namespace tideline::api {

// Checks the StreamSpecification member, if any, against the service model (StreamEnabled
// required, StreamViewType an enum; violations added to *errors). Returns true when the member
// is present.
bool ReadStreamSpecification(const json::Value& req, ValidationErrors* errors);

// CreateTable: applies a checked StreamSpecification to the new table (a stream enabled from the
// start), or throws DynamoDB's ValidationException for an inconsistent one.
void ApplyCreateStreamSpecification(const json::Value& req, storage::TableMeta* meta);

// UpdateTable: the enable/disable rules of a checked StreamSpecification. `iops_update`: the
// request also changes throughput or switches to PROVISIONED. Enabling gives the table a new
// stream (a new label, so a new ARN); disabling clears the view type and keeps the label, so
// that DescribeTable still names the (now disabled) latest stream.
void ApplyUpdateStreamSpecification(const json::Value& req, bool iops_update,
                                    storage::TableMeta* meta);

}  // namespace tideline::api
