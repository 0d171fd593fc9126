// One export run: _started, data files in parallel (each a slice of the partition-hash space,
// read as of ExportTime, formatted, gzipped and streamed to the sink), then manifest-files and
// manifest-summary with their .md5 files. Memory per data file is bounded by the line buffer,
// the gzip stream and the sink's part buffer, whatever the table size.

#include <atomic>
#include <functional>
#include <thread>

#include "aws/crypto.h"
#include "common/clock.h"
#include "export/export_service.h"
#include "export/gzip_stream.h"
#include "export/item_format.h"
#include "export/manifest.h"
#include "export/names.h"
#include "model/key_codec.h"

namespace tideline::exporter {

namespace {

constexpr size_t kLineBufferBytes = 256 << 10;

struct FileResult {
  Status status;
  DataFileEntry entry;
  uint64_t billed_bytes = 0;
};

Status WriteDataFile(storage::Storage& storage, s3::Sink& sink, const ExportRecord& record,
                     const s3::ObjectOptions& object_options, const std::string& key,
                     std::string lower, std::string upper, FileResult* result) {
  std::unique_ptr<s3::ObjectWriter> writer;
  Status s = sink.NewMultipartWriter(record.s3_bucket, key, object_options, &writer);
  if (!s.ok()) return s;
  GzipStream gz([&](std::string_view chunk) { return writer->Append(chunk); });
  const bool ion = record.export_format == "ION";
  std::string lines;
  lines.reserve(kLineBufferBytes + 64 * 1024);
  auto cursor = storage.NewCursor(record.table_internal_id, record.export_time_us, std::move(lower),
                                  std::move(upper), /*reverse=*/false,
                                  /*bulk=*/true);
  uint64_t items = 0, billed = 0;
  for (; cursor->Valid(); cursor->Next()) {
    if (ion) {
      s = AppendIonLine(cursor->item_json(), &lines);
      if (!s.ok()) break;
    } else {
      AppendDynamoDbJsonLine(cursor->item_json(), &lines);
    }
    ++items;
    billed += cursor->item_size();
    if (lines.size() >= kLineBufferBytes) {
      s = gz.Write(lines);
      if (!s.ok()) break;
      lines.clear();
    }
  }
  if (s.ok()) s = cursor->status();
  if (s.ok() && !lines.empty()) s = gz.Write(lines);
  if (s.ok()) s = gz.Finish();
  std::string etag;
  if (s.ok()) s = writer->Finish(&etag);
  if (!s.ok()) {
    writer->Abort();
    return s;
  }
  result->entry = DataFileEntry{items, gz.md5_base64(), etag, key};
  result->billed_bytes = billed;
  return Status::OK();
}

Status PutWithMd5(s3::Sink& sink, const ExportRecord& record, const s3::ObjectOptions& options,
                  const std::string& json_key, const std::string& md5_key,
                  const std::string& body) {
  Status s = sink.PutObject(record.s3_bucket, json_key, body, options, nullptr);
  if (!s.ok()) return s;
  return sink.PutObject(record.s3_bucket, md5_key, Md5Base64(body), options, nullptr);
}

}  // namespace

Status RunExportJob(storage::Storage& storage, s3::Sink& sink, const ExportServiceOptions& options,
                    ExportRecord* record, const std::function<void(const ExportRecord&)>& persist) {
  s3::ObjectOptions object_options;
  if (record->s3_sse_algorithm == "KMS") {
    object_options.sse_algorithm = "aws:kms";
    object_options.sse_kms_key_id = record->s3_sse_kms_key_id;
  } else if (record->s3_sse_algorithm == "AES256") {
    object_options.sse_algorithm = "AES256";
  }
  object_options.expected_bucket_owner = record->s3_bucket_owner;

  // Nothing leaves the process before the writes it tells of are durable (storage.h): the
  // items as of the export time, and the export's own record, may still be in the WAL buffer.
  // Taken now, the fence covers every commit up to the export time (and the job runs after it).
  Status s = storage.WaitDurable(storage.Fence());
  if (!s.ok()) return s;
  s = sink.CheckBucket(record->s3_bucket, object_options);
  if (!s.ok()) return s;
  const std::string prefix = ExportPrefix(record->s3_prefix, record->export_id);
  // A rerun after a restart first discards the interrupted attempt's partial objects.
  s = sink.DiscardIncomplete(record->s3_bucket, prefix);
  if (!s.ok()) return s;
  s = sink.PutObject(record->s3_bucket, prefix + "/_started", "", object_options, nullptr);
  if (!s.ok()) return s;

  // One data file per slice of the hash space: at least one (an empty table still gets an
  // empty file), more for larger tables so that they are written in parallel.
  const int threads = std::max(1, options.file_threads);
  if (record->data_file_count == 0) {
    const storage::TableStats stats = storage.Stats(record->table_internal_id);
    uint64_t n = (static_cast<uint64_t>(std::max<int64_t>(stats.size_bytes, 0)) +
                  options.target_file_bytes - 1) /
                 options.target_file_bytes;
    if (stats.size_bytes > (4 << 20)) n = std::max<uint64_t>(n, threads);
    record->data_file_count = std::clamp<uint64_t>(n, 1, 4096);
    persist(*record);
  }
  const uint64_t files = record->data_file_count;

  const std::string suffix(record->export_format == "ION" ? kIonDataSuffix : kJsonDataSuffix);
  std::vector<FileResult> results(files);
  std::vector<std::string> keys(files);
  // Names look random (26 base32 chars of 16 bytes, as AWS's) but are derived from the export
  // and the slice, so a rerun overwrites the same objects.
  for (uint64_t i = 0; i < files; ++i) {
    keys[i] = prefix + "/data/" +
              Base32LowerNoPad(aws::Md5(record->export_arn + "#" + std::to_string(i))) + suffix;
  }
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (uint64_t i = next++; i < files && !failed; i = next++) {
      std::string lower, upper;
      model::PartitionSliceBounds(i, files, &lower, &upper);
      results[i].status = WriteDataFile(storage, sink, *record, object_options, keys[i],
                                        std::move(lower), std::move(upper), &results[i]);
      if (!results[i].status.ok()) failed = true;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && static_cast<uint64_t>(t) < files; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  std::vector<DataFileEntry> entries;
  uint64_t items = 0, billed = 0;
  for (auto& r : results) {
    if (!r.status.ok()) return r.status;
    items += r.entry.item_count;
    billed += r.billed_bytes;
    entries.push_back(r.entry);
  }

  s = PutWithMd5(sink, *record, object_options, prefix + "/manifest-files.json",
                 prefix + "/manifest-files.md5", BuildManifestFiles(entries));
  if (!s.ok()) return s;

  record->end_time_ms = std::max(NowMillis(), record->start_time_ms);
  ManifestSummary summary;
  summary.export_arn = record->export_arn;
  summary.start_time_ms = record->start_time_ms;
  summary.end_time_ms = record->end_time_ms;
  summary.table_arn = record->table_arn;
  summary.table_id = record->table_id;
  summary.export_time_ms = static_cast<int64_t>(record->export_time_us / 1000);
  summary.s3_bucket = record->s3_bucket;
  if (record->has_s3_prefix) summary.s3_prefix = record->s3_prefix;
  summary.s3_sse_algorithm = record->s3_sse_algorithm == "KMS" ? "KMS" : "AES256";
  if (record->s3_sse_algorithm == "KMS") summary.s3_sse_kms_key_id = record->s3_sse_kms_key_id;
  summary.manifest_files_s3_key = prefix + "/manifest-files.json";
  summary.billed_size_bytes = billed;
  summary.item_count = items;
  summary.output_format = record->export_format;
  s = PutWithMd5(sink, *record, object_options, prefix + "/manifest-summary.json",
                 prefix + "/manifest-summary.md5", BuildManifestSummary(summary));
  if (!s.ok()) return s;
  record->item_count = items;
  record->billed_size_bytes = billed;
  record->export_manifest = prefix + "/manifest-summary.json";
  return Status::OK();
}

}  // namespace tideline::exporter
