#include "api/export_description.h"

#include "api/request.h"
#include "api/response_body.h"
#include "json/json.h"

namespace tideline::api {

namespace {
void Str(json::Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  json::WriteString(w, v);
}
}  // namespace

std::string ExportDescriptionResponse(const exporter::ExportRecord& r) {
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ExportDescription");
  w.StartObject();
  Str(w, "ExportArn", r.export_arn);
  Str(w, "ExportStatus", r.status);
  w.Key("StartTime");
  WriteTimestamp(w, r.start_time_ms);
  if (r.status != "IN_PROGRESS") {
    w.Key("EndTime");
    WriteTimestamp(w, r.end_time_ms);
  }
  if (r.status == "COMPLETED") Str(w, "ExportManifest", r.export_manifest);
  Str(w, "TableArn", r.table_arn);
  Str(w, "TableId", r.table_id);
  if (!r.incremental()) {  // AWS describes an incremental export without an ExportTime
    w.Key("ExportTime");
    WriteTimestamp(w, static_cast<int64_t>(r.export_time_us / 1000));
  }
  Str(w, "ClientToken", r.client_token);
  Str(w, "S3Bucket", r.s3_bucket);
  if (!r.s3_bucket_owner.empty()) Str(w, "S3BucketOwner", r.s3_bucket_owner);
  if (r.has_s3_prefix) Str(w, "S3Prefix", r.s3_prefix);
  if (!r.s3_sse_algorithm.empty()) Str(w, "S3SseAlgorithm", r.s3_sse_algorithm);
  if (!r.s3_sse_kms_key_id.empty()) Str(w, "S3SseKmsKeyId", r.s3_sse_kms_key_id);
  if (r.status == "FAILED") {
    Str(w, "FailureCode", r.failure_code);
    Str(w, "FailureMessage", r.failure_message);
  }
  Str(w, "ExportFormat", r.export_format);
  if (r.status == "COMPLETED") {
    w.Key("BilledSizeBytes");
    w.Uint64(r.billed_size_bytes);
    w.Key("ItemCount");
    w.Uint64(r.item_count);
  }
  if (!r.export_type.empty()) Str(w, "ExportType", r.export_type);
  if (r.incremental()) {
    w.Key("IncrementalExportSpecification");
    w.StartObject();
    w.Key("ExportFromTime");
    WriteTimestamp(w, static_cast<int64_t>(r.export_from_time_us / 1000));
    w.Key("ExportToTime");
    WriteTimestamp(w, static_cast<int64_t>(r.export_to_time_us / 1000));
    Str(w, "ExportViewType", r.export_view_type);
    w.EndObject();
  }
  w.EndObject();
  return response.Finish();
}

}  // namespace tideline::api
