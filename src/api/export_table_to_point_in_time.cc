// ExportTableToPointInTime: validates the request as DynamoDB does, checks PITR and the
// recovery window, then registers the export and answers IN_PROGRESS at once; the export runs
// in the background (src/export/export_service.h).

#include <regex>

#include "api/continuous_backups.h"
#include "api/export_description.h"
#include "api/operations.h"
#include "api/request.h"
#include "common/api_error.h"
#include "common/uuid.h"
#include "export/export_service.h"
#include "export/names.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

constexpr const char* kBucketPattern = "^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$";

void CheckLength(ValidationErrors* errors, std::string_view path, std::string_view v, size_t min,
                 size_t max) {
  if (v.size() < min)
    errors->Add(ValidationErrors::Quote(v), path,
                "Member must have length greater than or equal to " + std::to_string(min));
  if (v.size() > max)
    errors->Add(ValidationErrors::Quote(v), path,
                "Member must have length less than or equal to " + std::to_string(max));
}

void CheckEnum(ValidationErrors* errors, std::string_view path, std::optional<std::string_view> v,
               std::initializer_list<std::string_view> values, const char* set) {
  if (!v) return;
  for (auto allowed : values) {
    if (*v == allowed) return;
  }
  errors->Add(ValidationErrors::Quote(*v), path,
              std::string("Member must satisfy enum value set: ") + set);
}

}  // namespace

std::string ExecuteExportTableToPointInTime(Context& ctx, const json::Value& req) {
  auto table_arn = OptString(req, "TableArn");
  auto export_time = OptTimestamp(req, "ExportTime");
  auto client_token = OptString(req, "ClientToken");
  auto bucket = OptString(req, "S3Bucket");
  auto bucket_owner = OptString(req, "S3BucketOwner");
  auto prefix = OptString(req, "S3Prefix");
  auto sse = OptString(req, "S3SseAlgorithm");
  auto kms_key = OptString(req, "S3SseKmsKeyId");
  auto format = OptString(req, "ExportFormat");
  auto type = OptString(req, "ExportType");

  ValidationErrors errors;
  if (!table_arn) errors.AddNull("tableArn");
  else CheckLength(&errors, "tableArn", *table_arn, 1, 1024);
  if (client_token) {
    if (client_token->empty() || client_token->find('$') != std::string_view::npos)
      errors.Add(ValidationErrors::Quote(*client_token), "clientToken",
                 "Member must satisfy regular expression pattern: ^[^\\$]+$");
  }
  if (!bucket) {
    errors.AddNull("s3Bucket");
  } else {
    CheckLength(&errors, "s3Bucket", *bucket, 0, 255);
    static const std::regex kBucket(kBucketPattern);
    if (!std::regex_match(bucket->begin(), bucket->end(), kBucket))
      errors.Add(ValidationErrors::Quote(*bucket), "s3Bucket",
                 std::string("Member must satisfy regular expression pattern: ") + kBucketPattern);
  }
  if (bucket_owner) {
    static const std::regex kOwner("[0-9]{12}");
    if (!std::regex_match(bucket_owner->begin(), bucket_owner->end(), kOwner))
      errors.Add(ValidationErrors::Quote(*bucket_owner), "s3BucketOwner",
                 "Member must satisfy regular expression pattern: [0-9]{12}");
  }
  if (prefix) CheckLength(&errors, "s3Prefix", *prefix, 1, 1024);
  CheckEnum(&errors, "s3SseAlgorithm", sse, {"AES256", "KMS"}, "[AES256, KMS]");
  if (kms_key) CheckLength(&errors, "s3SseKmsKeyId", *kms_key, 1, 2048);
  CheckEnum(&errors, "exportFormat", format, {"DYNAMODB_JSON", "ION"}, "[DYNAMODB_JSON, ION]");
  CheckEnum(&errors, "exportType", type, {"FULL_EXPORT", "INCREMENTAL_EXPORT"},
            "[FULL_EXPORT, INCREMENTAL_EXPORT]");
  errors.ThrowIfAny();

  if (type && *type == "INCREMENTAL_EXPORT") {
    throw ApiError::Validation(
        "One or more parameter values were invalid: ExportType INCREMENTAL_EXPORT is not "
        "supported by this server yet");
  }
  if (OptObject(req, "IncrementalExportSpecification")) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: IncrementalExportSpecification can only be "
        "used with ExportType INCREMENTAL_EXPORT");
  }
  const std::string table_name = TableNameFromNameOrArn(ctx.config, *table_arn);
  if (table_arn->substr(0, 4) != "arn:" || table_name.empty()) {
    // A well-formed ARN of another region/account names a table that is not here.
    static const std::regex kTableArn("arn:[a-z-]+:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}");
    if (std::regex_match(table_arn->begin(), table_arn->end(), kTableArn)) {
      throw ApiError::TableNotFound("Table not found: " + std::string(*table_arn));
    }
    throw ApiError::Validation("Invalid TableArn: " + std::string(*table_arn) +
                               " is not a valid table ARN");
  }
  auto table = ctx.storage.FindTable(table_name);
  if (!table) throw ApiError::TableNotFound("Table not found: " + std::string(*table_arn));
  if (!table->pitr_enabled) {
    throw ApiError::PointInTimeRecoveryUnavailable("Point in time recovery is not enabled for table '" +
                                                   table->name + "'");
  }
  if (!ctx.exports) throw ApiError::Internal("the export service is not running");

  // Taking the clock here makes every write acknowledged before this request visible to it.
  const uint64_t now_us = ctx.storage.Now();
  uint64_t export_time_us = now_us;
  if (export_time) {
    auto in_window = TimeInWindow(*export_time, RecoveryWindowOf(*table, now_us));
    if (!in_window) {
      throw ApiError::InvalidExportTime(
          "The specified ExportTime is outside of the point in time recovery window.");
    }
    export_time_us = *in_window;
  }

  exporter::ExportRecord record;
  record.start_time_ms = static_cast<int64_t>(now_us / 1000);
  record.export_id = exporter::NewExportId(record.start_time_ms);
  record.table_name = table->name;
  record.table_arn = TableArn(ctx.config, table->name);
  record.export_arn = record.table_arn + "/export/" + record.export_id;
  record.table_id = table->table_uuid;
  record.table_internal_id = table->id;
  record.export_time_us = export_time_us;
  record.client_token = client_token ? std::string(*client_token) : NewUuid();
  record.s3_bucket = std::string(*bucket);
  record.s3_bucket_owner = std::string(bucket_owner.value_or(""));
  record.has_s3_prefix = prefix.has_value();
  record.s3_prefix = std::string(prefix.value_or(""));
  record.s3_sse_algorithm = std::string(sse.value_or(""));
  record.s3_sse_kms_key_id = std::string(kms_key.value_or(""));
  record.export_format = std::string(format.value_or("DYNAMODB_JSON"));
  record.export_type = std::string(type.value_or(""));

  exporter::ExportRecord result;
  switch (ctx.exports->Submit(record, &result)) {
    case exporter::SubmitResult::kCreated:
    case exporter::SubmitResult::kReplayed:
      break;
    case exporter::SubmitResult::kConflict:
      throw ApiError::ExportConflict("Duplicate request detected with conflicting parameters");
    case exporter::SubmitResult::kLimitExceeded:
      throw ApiError::LimitExceeded("Too many exports in progress: up to " +
                                    std::to_string(ctx.config.max_exports_in_flight) +
                                    " export tasks can run at once");
    case exporter::SubmitResult::kError:
      throw ApiError::Internal("the export could not be recorded");
  }
  return ExportDescriptionResponse(result);
}

}  // namespace tideline::api
