#pragma once
// StreamSpecification of CreateTable and UpdateTable. Tideline has no DynamoDB Streams yet, so
// StreamEnabled: true is refused with a ValidationException instead of being silently ignored
// (a client that asked for a stream would otherwise wait for records that never come).
// StreamEnabled: false, which asks for no stream, is accepted.

#include "api/request.h"

namespace tideline::api {

// Checks the StreamSpecification member, if any, against the service model (StreamEnabled
// required, StreamViewType an enum; violations added to *errors). Returns true when the member
// is present.
bool ReadStreamSpecification(const json::Value& req, ValidationErrors* errors);

// Throws the ValidationException for StreamEnabled: true. Call after errors.ThrowIfAny().
void RefuseEnabledStream(const json::Value& req);

}  // namespace tideline::api
