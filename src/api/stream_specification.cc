#include "api/stream_specification.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/api_error.h"

namespace tideline::api {

namespace {

constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";

[[noreturn]] void Invalid(std::string_view what) {
  throw ApiError::Validation(std::string(kInvalid) + std::string(what));
}

// The label of a stream enabled now: its UTC enable time with milliseconds and no zone,
// "2015-05-11T21:21:33.291" (AWS's form). Labels of one table rise strictly, so that two enables
// within one millisecond still make two streams.
std::string NewStreamLabel(const std::string& previous) {
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  auto format = [](int64_t at_ms) {
    const std::time_t seconds = static_cast<std::time_t>(at_ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(at_ms % 1000));
    return std::string(buf);
  };
  std::string label = format(ms);
  while (!previous.empty() && label <= previous) label = format(++ms);
  return label;
}

}  // namespace

bool ReadStreamSpecification(const json::Value& req, ValidationErrors* errors) {
  const json::Value* spec = OptObject(req, "StreamSpecification");
  if (!spec) return false;
  if (!OptBool(*spec, "StreamEnabled")) errors->AddNull("streamSpecification.streamEnabled");
  auto view = OptString(*spec, "StreamViewType");
  if (view && *view != "NEW_IMAGE" && *view != "OLD_IMAGE" && *view != "NEW_AND_OLD_IMAGES" &&
      *view != "KEYS_ONLY") {
    // The enum in AWS's order (ACK-lab DDB-TABLE-442).
    errors->Add(ValidationErrors::Quote(*view), "streamSpecification.streamViewType",
                "Member must satisfy enum value set: [OLD_IMAGE, KEYS_ONLY, NEW_AND_OLD_IMAGES, "
                "NEW_IMAGE]");
  }
  return true;
}

void ApplyCreateStreamSpecification(const json::Value& req, storage::TableMeta* meta) {
  const json::Value* spec = OptObject(req, "StreamSpecification");
  if (!spec) return;
  const bool enabled = OptBool(*spec, "StreamEnabled").value_or(false);
  auto view = OptString(*spec, "StreamViewType");
  if (!enabled) {
    if (view) {
      Invalid(
          "Table is being created with a stream disabled, UpdateViewType should not be "
          "specified");
    }
    return;
  }
  if (!view) Invalid("Table is being created with a stream enabled, UpdateViewType is required");
  meta->stream_view_type = std::string(*view);
  meta->stream_label = NewStreamLabel("");
}

void ApplyUpdateStreamSpecification(const json::Value& req, bool iops_update,
                                    storage::TableMeta* meta) {
  const json::Value* spec = OptObject(req, "StreamSpecification");
  if (!spec) return;
  const bool enabled = OptBool(*spec, "StreamEnabled").value_or(false);
  auto view = OptString(*spec, "StreamViewType");
  if (enabled && !view) Invalid("If stream is being enabled then UpdateViewType is required");
  if (!enabled && view) {
    Invalid("If stream is being disabled, then UpdateViewType must not be specified");
  }
  if (iops_update) Invalid("You cannot modify stream status while updating table IOPS");
  const bool has_stream = !meta->stream_view_type.empty();
  if (enabled) {
    if (has_stream) {
      throw ApiError::Validation("Table already has an enabled stream: TableName: " + meta->name);
    }
    meta->stream_view_type = std::string(*view);
    meta->stream_label = NewStreamLabel(meta->stream_label);
  } else {
    if (!has_stream) {
      throw ApiError::Validation("Table has no stream to disable: TableName: " + meta->name);
    }
    meta->stream_view_type.clear();
  }
}

}  // namespace tideline::api
