#pragma once
// The manifests of an export and the checksums they carry, byte for byte as DynamoDB writes
// them (shared/spec/export-and-pitr.md §1.4, §1.5), plus the MD5/base64/ETag/time helpers that
// the export job needs for them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tideline::exporter {

// One data file, one line of manifest-files.json.
struct DataFileEntry {
  uint64_t item_count = 0;
  std::string md5_base64;  // base64(md5(gz bytes)), e.g. "FjvgqIxwymKf1RbbqtrZag=="
  std::string etag;        // S3 ETag without quotes, e.g. "7deb4078f238dd87d6af0538152c04e9-1"
  std::string key;         // bucket-relative key, prefix included
};

// manifest-files.json: JSON Lines, one compact object per file in the given order, keys
// itemCount, md5Checksum, etag, dataFileS3Key; every line (the last too) ends with "\n".
std::string BuildManifestFiles(const std::vector<DataFileEntry>& files);

// Everything manifest-summary.json says. Times are epoch milliseconds (written as
// FormatIsoMillis). Which fields appear depends on `incremental`:
//   full:        version "2020-06-30" ... exportTime ... outputFormat
//   incremental: version "2023-08-01" ... exportFromTime, exportToTime ... outputFormat,
//                outputView, exportType "INCREMENTAL_EXPORT"
struct ManifestSummary {
  bool incremental = false;
  std::string export_arn;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;
  std::string table_arn;
  std::string table_id;
  int64_t export_time_ms = 0;       // full export only
  int64_t export_from_time_ms = 0;  // incremental only
  int64_t export_to_time_ms = 0;    // incremental only
  std::string s3_bucket;
  std::optional<std::string> s3_prefix;  // JSON null when the request had no S3Prefix
  std::string s3_sse_algorithm = "AES256";
  std::optional<std::string> s3_sse_kms_key_id;  // JSON null unless KMS
  std::string manifest_files_s3_key;             // bucket-relative, prefix included
  uint64_t billed_size_bytes = 0;
  uint64_t item_count = 0;
  std::string output_format = "DYNAMODB_JSON";     // or "ION"
  std::string output_view = "NEW_AND_OLD_IMAGES";  // incremental only; or "NEW_IMAGE"
};

// manifest-summary.json: one compact JSON object in AWS's field order, no trailing newline.
std::string BuildManifestSummary(const ManifestSummary& summary);

// base64(MD5(data)): a .md5 file's whole content and a manifest's md5Checksum (24 chars).
std::string Md5Base64(std::string_view data);
// The ETag S3 gives an object uploaded by a multipart upload of one part whose MD5 is
// `data_md5_binary` (16 raw bytes): hex(MD5(data_md5_binary)) + "-1".
std::string S3MultipartEtagOfOnePart(std::string_view data_md5_binary);

// "2026-01-14T10:18:50.622Z": UTC, always three fractional digits.
std::string FormatIsoMillis(int64_t epoch_ms);

}  // namespace tideline::exporter
