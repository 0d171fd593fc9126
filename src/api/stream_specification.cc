#include "api/stream_specification.h"

#include "common/api_error.h"

namespace tideline::api {

bool ReadStreamSpecification(const json::Value& req, ValidationErrors* errors) {
  const json::Value* spec = OptObject(req, "StreamSpecification");
  if (!spec) return false;
  if (!OptBool(*spec, "StreamEnabled")) errors->AddNull("streamSpecification.streamEnabled");
  auto view = OptString(*spec, "StreamViewType");
  if (view && *view != "NEW_IMAGE" && *view != "OLD_IMAGE" && *view != "NEW_AND_OLD_IMAGES" &&
      *view != "KEYS_ONLY") {
    errors->Add(ValidationErrors::Quote(*view), "streamSpecification.streamViewType",
                "Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, "
                "KEYS_ONLY]");
  }
  return true;
}

void RefuseEnabledStream(const json::Value& req) {
  const json::Value* spec = OptObject(req, "StreamSpecification");
  if (!spec || !OptBool(*spec, "StreamEnabled").value_or(false)) return;
  // Tideline's own refusal: DynamoDB has no such message (test_create_table.py
  // test_stream_enabled_refused).
  throw ApiError::Validation(
      "One or more parameter values were invalid: StreamEnabled true is not supported: "
      "DynamoDB Streams are not supported by Tideline yet");
}

}  // namespace tideline::api
