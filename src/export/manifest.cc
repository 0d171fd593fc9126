// Manifest writers. Field order is AWS's (it is not alphabetical), so both files are written
// field by field rather than from a map; strings go through RapidJSON's writer for escaping.

#include "export/manifest.h"

#include <cstdio>

#include "aws/crypto.h"
#include "common/base64.h"
#include "json/json.h"

namespace tideline::exporter {

std::string BuildManifestFiles(const std::vector<DataFileEntry>& files) {
  json::Buffer buffer;
  for (const DataFileEntry& file : files) {
    json::Writer w(buffer);  // one root object per line; a Writer accepts only one root
    w.StartObject();
    json::WriteKey(w, "itemCount");
    w.Uint64(file.item_count);
    json::WriteKey(w, "md5Checksum");
    json::WriteString(w, file.md5_base64);
    json::WriteKey(w, "etag");
    json::WriteString(w, file.etag);
    json::WriteKey(w, "dataFileS3Key");
    json::WriteString(w, file.key);
    w.EndObject();
    buffer.Put('\n');
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string BuildManifestSummary(const ManifestSummary& s) {
  json::Buffer buffer;
  json::Writer w(buffer);
  auto string_field = [&](std::string_view key, std::string_view value) {
    json::WriteKey(w, key);
    json::WriteString(w, value);
  };
  auto optional_field = [&](std::string_view key, const std::optional<std::string>& value) {
    json::WriteKey(w, key);
    if (value) {
      json::WriteString(w, *value);
    } else {
      w.Null();
    }
  };
  auto time_field = [&](std::string_view key, int64_t ms) {
    string_field(key, FormatIsoMillis(ms));
  };
  w.StartObject();
  string_field("version", s.incremental ? "2023-08-01" : "2020-06-30");
  string_field("exportArn", s.export_arn);
  time_field("startTime", s.start_time_ms);
  time_field("endTime", s.end_time_ms);
  string_field("tableArn", s.table_arn);
  string_field("tableId", s.table_id);
  if (s.incremental) {
    time_field("exportFromTime", s.export_from_time_ms);
    time_field("exportToTime", s.export_to_time_ms);
  } else {
    time_field("exportTime", s.export_time_ms);
  }
  string_field("s3Bucket", s.s3_bucket);
  optional_field("s3Prefix", s.s3_prefix);
  string_field("s3SseAlgorithm", s.s3_sse_algorithm);
  optional_field("s3SseKmsKeyId", s.s3_sse_kms_key_id);
  string_field("manifestFilesS3Key", s.manifest_files_s3_key);
  json::WriteKey(w, "billedSizeBytes");
  w.Uint64(s.billed_size_bytes);
  json::WriteKey(w, "itemCount");
  w.Uint64(s.item_count);
  string_field("outputFormat", s.output_format);
  if (s.incremental) {
    string_field("outputView", s.output_view);
    string_field("exportType", "INCREMENTAL_EXPORT");
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Md5Base64(std::string_view data) { return Base64Encode(aws::Md5(data)); }

std::string S3MultipartEtagOfOnePart(std::string_view data_md5_binary) {
  return aws::HexEncode(aws::Md5(data_md5_binary)) + "-1";
}

std::string FormatIsoMillis(int64_t epoch_ms) {
  // Floor division, so times before 1970 format correctly too.
  int64_t seconds = epoch_ms / 1000;
  int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t day_seconds = seconds % 86400;
  if (day_seconds < 0) {
    day_seconds += 86400;
    --days;
  }
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof(text), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(day_seconds / 3600),
                static_cast<long long>(day_seconds / 60 % 60),
                static_cast<long long>(day_seconds % 60), static_cast<long long>(millis));
  return text;
}

}  // namespace tideline::exporter
