// DescribeServer (the console's, read-only): what the Server page shows. {"Version",
// "StartTime", "Now" (epoch seconds), "UptimeSeconds", "DataDirectory", "ExportDestination":
// {"Kind": "LOCAL_DIRECTORY" | "S3_ENDPOINT", "Location"}, "Region", "SyncWrites",
// "TableCount", "ItemCount", "TableSizeBytes" (sums of what DescribeTable reports),
// "DataDirectoryBytes" (the files under the data directory, as on disk), "Operations": [{
// "Operation", "Count", "ClientErrors", "ServerErrors", "TotalMicros", "LatencyBuckets"}]}
// (api/request_metrics.h; bucket i counts operations of [2^(i-1), 2^i) microseconds).

#include <filesystem>
#include <string>
#include <system_error>

#include "api/console_operations.h"
#include "api/export_destination.h"
#include "api/request_metrics.h"
#include "api/response_body.h"
#include "common/clock.h"
#include "storage/storage.h"

#ifndef TIDELINE_VERSION
#define TIDELINE_VERSION "dev"
#endif

namespace tideline::api {

namespace {

void WriteString(json::Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

// The bytes of the regular files below `dir`; what cannot be read (a file removed meanwhile)
// is skipped.
uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(
      dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const uintmax_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

}  // namespace

std::string ExecuteDescribeServer(Context& ctx, const json::Value&) {
  const ServerConfig& config = ctx.config;
  const int64_t now_ms = NowMillis();
  const int64_t start_ms = MetricsStartMillis();
  int64_t items = 0, bytes = 0, tables = 0;
  for (const auto& table : ctx.storage.ListTables()) {
    const storage::TableStats stats = ctx.storage.Stats(table->id);
    items += stats.item_count;
    bytes += stats.size_bytes;
    ++tables;
  }
  ResponseBody response;
  json::Writer& w = response.writer();
  WriteString(w, "Version", TIDELINE_VERSION);
  w.Key("StartTime");
  w.Double(static_cast<double>(start_ms) / 1000);
  w.Key("Now");
  w.Double(static_cast<double>(now_ms) / 1000);
  w.Key("UptimeSeconds");
  w.Double(static_cast<double>(now_ms - start_ms) / 1000);
  WriteString(w, "DataDirectory", Absolute(config.data_dir));
  w.Key("ExportDestination");
  w.StartObject();
  if (config.s3_endpoint.empty()) {
    WriteString(w, "Kind", "LOCAL_DIRECTORY");
    WriteString(w, "Location", Absolute(ExportDirectory(config)));
  } else {
    WriteString(w, "Kind", "S3_ENDPOINT");
    WriteString(w, "Location", config.s3_endpoint);
  }
  w.EndObject();
  WriteString(w, "Region", config.region);
  w.Key("SyncWrites");
  w.Bool(config.sync_writes);
  w.Key("TableCount");
  w.Int64(tables);
  w.Key("ItemCount");
  w.Int64(items);
  w.Key("TableSizeBytes");
  w.Int64(bytes);
  w.Key("DataDirectoryBytes");
  w.Uint64(DirectoryBytes(config.data_dir));
  w.Key("Operations");
  w.StartArray();
  for (const OperationMetrics& m : SnapshotRequestMetrics()) {
    w.StartObject();
    WriteString(w, "Operation", m.operation);
    w.Key("Count");
    w.Uint64(m.count);
    w.Key("ClientErrors");
    w.Uint64(m.client_errors);
    w.Key("ServerErrors");
    w.Uint64(m.server_errors);
    w.Key("TotalMicros");
    w.Uint64(m.total_micros);
    w.Key("LatencyBuckets");
    w.StartArray();
    for (uint64_t n : m.latency_buckets) w.Uint64(n);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  return response.Finish();
}

}  // namespace tideline::api
