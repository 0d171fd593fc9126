// DescribeExportProgress (the console's, read-only): what a running export has written so far,
// per data file (export/export_progress.h): {"ExportArn", "ExportStatus", "DataFiles": [{"Key",
// "ItemCount", "ItemBytes", "WrittenBytes", "Done"}]}. DataFiles is empty before the export
// names its files and once it has ended (DescribeExport then has the totals).

#include "api/console_export_lookup.h"
#include "api/console_operations.h"
#include "api/response_body.h"
#include "export/export_service.h"

namespace tideline::api {

std::string ExecuteDescribeExportProgress(Context& ctx, const json::Value& req) {
  const exporter::ExportRecord record = FindConsoleExport(ctx, req);
  std::shared_ptr<const exporter::ExportProgress> progress;
  if (record.status == "IN_PROGRESS") progress = ctx.exports->Progress(record.export_arn);
  ResponseBody response;
  json::Writer& w = response.writer();
  w.Key("ExportArn");
  w.String(record.export_arn.data(), static_cast<rapidjson::SizeType>(record.export_arn.size()));
  w.Key("ExportStatus");
  w.String(record.status.data(), static_cast<rapidjson::SizeType>(record.status.size()));
  w.Key("DataFiles");
  w.StartArray();
  if (progress) {
    for (const exporter::DataFileProgress& file : progress->files) {
      // Done first: once it reads true, the counts read after it are the final ones.
      const bool done = file.done.load(std::memory_order_acquire);
      w.StartObject();
      w.Key("Key");
      w.String(file.key.data(), static_cast<rapidjson::SizeType>(file.key.size()));
      w.Key("ItemCount");
      w.Uint64(file.items.load(std::memory_order_relaxed));
      w.Key("ItemBytes");
      w.Uint64(file.item_bytes.load(std::memory_order_relaxed));
      w.Key("WrittenBytes");
      w.Uint64(file.written_bytes.load(std::memory_order_relaxed));
      w.Key("Done");
      w.Bool(done);
      w.EndObject();
    }
  }
  w.EndArray();
  return response.Finish();
}

}  // namespace tideline::api
