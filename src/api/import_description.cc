#include "api/import_description.h"

#include "api/request.h"
#include "api/response_body.h"

namespace tideline::api {

namespace {

void Str(json::Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  json::WriteString(w, v);
}

void WriteBucketSource(json::Writer& w, const importer::ImportRecord& r) {
  w.Key("S3BucketSource");
  w.StartObject();
  if (!r.s3_bucket_owner.empty()) Str(w, "S3BucketOwner", r.s3_bucket_owner);
  Str(w, "S3Bucket", r.s3_bucket);
  if (r.has_s3_key_prefix) Str(w, "S3KeyPrefix", r.s3_key_prefix);
  w.EndObject();
}

bool Ended(const importer::ImportRecord& r) { return r.status != "IN_PROGRESS"; }

}  // namespace

std::string ImportLogGroupArn(const ServerConfig& config) {
  return "arn:aws:logs:" + config.region + ":" + config.account_id +
         ":log-group:/aws-dynamodb/imports:*";
}

std::string ImportDescriptionResponse(const ServerConfig& config, const importer::ImportRecord& r) {
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ImportTableDescription");
  w.StartObject();
  Str(w, "ImportArn", r.import_arn);
  Str(w, "ImportStatus", r.status);
  Str(w, "TableArn", r.table_arn);
  Str(w, "TableId", r.table_id);
  Str(w, "ClientToken", r.client_token);
  WriteBucketSource(w, r);
  w.Key("ErrorCount");
  w.Uint64(Ended(r) ? r.error_count : 0);
  Str(w, "CloudWatchLogGroupArn", ImportLogGroupArn(config));
  Str(w, "InputFormat", r.input_format);
  if (r.has_csv_options) {
    w.Key("InputFormatOptions");
    w.StartObject();
    w.Key("Csv");
    w.StartObject();
    if (!r.csv_delimiter.empty()) Str(w, "Delimiter", r.csv_delimiter);
    if (r.has_csv_header_list) {
      w.Key("HeaderList");
      w.StartArray();
      for (const auto& h : r.csv_header_list) json::WriteString(w, h);
      w.EndArray();
    }
    w.EndObject();
    w.EndObject();
  }
  Str(w, "InputCompressionType", r.input_compression_type);
  w.Key("TableCreationParameters");
  w.RawValue(r.table_creation_parameters_json.data(), r.table_creation_parameters_json.size(),
             rapidjson::kObjectType);
  w.Key("StartTime");
  WriteTimestamp(w, r.start_time_ms);
  if (Ended(r)) {
    w.Key("EndTime");
    WriteTimestamp(w, r.end_time_ms);
    if (r.processed_size_bytes > 0) {
      w.Key("ProcessedSizeBytes");
      w.Uint64(r.processed_size_bytes);
    }
  }
  w.Key("ProcessedItemCount");
  w.Uint64(Ended(r) ? r.processed_item_count : 0);
  w.Key("ImportedItemCount");
  w.Uint64(Ended(r) ? r.imported_item_count : 0);
  if (r.status == "FAILED") {
    Str(w, "FailureCode", r.failure_code);
    Str(w, "FailureMessage", r.failure_message);
  }
  w.EndObject();
  return response.Finish();
}

void WriteImportSummary(json::Writer& w, const ServerConfig& config,
                        const importer::ImportRecord& r) {
  w.StartObject();
  Str(w, "ImportArn", r.import_arn);
  Str(w, "ImportStatus", r.status);
  Str(w, "TableArn", r.table_arn);
  WriteBucketSource(w, r);
  Str(w, "CloudWatchLogGroupArn", ImportLogGroupArn(config));
  Str(w, "InputFormat", r.input_format);
  w.Key("StartTime");
  WriteTimestamp(w, r.start_time_ms);
  if (Ended(r)) {
    w.Key("EndTime");
    WriteTimestamp(w, r.end_time_ms);
  }
  w.EndObject();
}

}  // namespace tideline::api
