#pragma once
// ExportRecord: the durable state of one export, kept in storage's metadata key space under
// "export/<ExportArn>" and rewritten on every state change, so DescribeExport/ListExports and
// crash recovery see the same thing.

#include <cstdint>
#include <string>
#include <string_view>

namespace tideline::exporter {

struct ExportRecord {
  std::string export_arn;
  std::string export_id;
  std::string status = "IN_PROGRESS";  // IN_PROGRESS | COMPLETED | FAILED
  std::string table_name;
  std::string table_arn;
  std::string table_id;  // TableId (UUID) of the table at request time
  uint64_t table_internal_id = 0;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;      // 0 until it ends
  uint64_t export_time_us = 0;  // the commit-clock instant the export reads
  std::string client_token;
  std::string s3_bucket;
  std::string s3_bucket_owner;  // "" when not requested
  std::string s3_prefix;        // "" when not requested
  bool has_s3_prefix = false;
  std::string s3_sse_algorithm;  // "" when not requested (AES256 applies)
  std::string s3_sse_kms_key_id;
  std::string export_format = "DYNAMODB_JSON";
  std::string export_type;  // "" when the request did not name one
  // INCREMENTAL_EXPORT: the window [from, to) in commit-clock microseconds (whole
  // milliseconds, as the manifest shows them) and the view type.
  uint64_t export_from_time_us = 0;
  uint64_t export_to_time_us = 0;
  std::string export_view_type;  // NEW_AND_OLD_IMAGES | NEW_IMAGE
  bool incremental() const { return export_type == "INCREMENTAL_EXPORT"; }
  // The instant whose versions the export reads first and must keep from collection: the
  // export time, or for an incremental export the instant before its window.
  uint64_t PinTime() const { return incremental() ? export_from_time_us - 1 : export_time_us; }
  std::string failure_code;
  std::string failure_message;
  std::string export_manifest;  // key of manifest-summary.json once COMPLETED
  uint64_t item_count = 0;
  uint64_t billed_size_bytes = 0;
  // Number of data files, fixed (and persisted) when the export first runs, so that a rerun
  // after a restart rewrites the same objects instead of leaving orphans beside new ones.
  uint64_t data_file_count = 0;
  // The parameters a repeated ClientToken must match (see ExportService::Submit).
  std::string Fingerprint() const;
};

std::string SerializeExportRecord(const ExportRecord& r);
bool ParseExportRecord(std::string_view text, ExportRecord* r);

}  // namespace tideline::exporter
