// One export run: _started, data files in parallel (each a slice of the partition-hash space,
// read as of ExportTime, formatted, gzipped and streamed to the sink), then manifest-files and
// manifest-summary with their .md5 files. Memory per data file is bounded by the line buffer,
// the gzip stream and the sink's part buffer, whatever the table size.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "aws/crypto.h"
#include "common/clock.h"
#include "export/change_record.h"
#include "export/export_service.h"
#include "export/gzip_stream.h"
#include "export/item_format.h"
#include "export/manifest.h"
#include "export/names.h"
#include "model/key_codec.h"

namespace tideline::exporter {

namespace {

constexpr size_t kLineBufferBytes = 256 << 10;
constexpr uint64_t kMinIncrementalBilledBytes = 10000000;

struct FileResult {
  Status status;
  DataFileEntry entry;
  uint64_t billed_bytes = 0;
};

// A slice's lines as of the export time: one item each.
Status AppendItemLines(storage::Storage& storage, const ExportRecord& record, std::string lower,
                       std::string upper, const std::function<Status()>& flush_if_full,
                       std::string* lines, uint64_t* items, uint64_t* billed) {
  const bool ion = record.export_format == "ION";
  auto cursor = storage.NewCursor(record.table_internal_id, record.export_time_us, std::move(lower),
                                  std::move(upper), /*reverse=*/false,
                                  /*bulk=*/true);
  Status s;
  for (; cursor->Valid(); cursor->Next()) {
    if (ion) {
      s = AppendIonLine(cursor->item_json(), lines);
      if (!s.ok()) return s;
    } else {
      AppendDynamoDbJsonLine(cursor->item_json(), lines);
    }
    ++*items;
    *billed += cursor->item_size();
    s = flush_if_full();
    if (!s.ok()) return s;
  }
  return cursor->status();
}

// A slice's lines of an incremental export: one compacted change per item changed in the
// window. An item created and deleted inside the window has no image at either end and gives
// no line (spec §2.3: "an insert followed by a delete within one window yields nothing").
Status AppendChangeLines(storage::Storage& storage, const ExportRecord& record,
                         const common::KeySchema& keys, std::string lower, std::string upper,
                         const std::function<Status()>& flush_if_full, std::string* lines,
                         uint64_t* items, uint64_t* billed) {
  const bool ion = record.export_format == "ION";
  const bool with_old = record.export_view_type != "NEW_IMAGE";
  auto cursor =
      storage.NewChangeCursor(record.table_internal_id, record.export_from_time_us,
                              record.export_to_time_us, std::move(lower), std::move(upper));
  Status s;
  for (; cursor->Valid(); cursor->Next()) {
    if (!cursor->has_old() && !cursor->has_new()) continue;
    ItemChange change;
    change.write_timestamp_us = cursor->last_change_ts();
    if (cursor->has_old()) change.old_image = cursor->old_json();
    if (cursor->has_new()) change.new_image = cursor->new_json();
    s = AppendChangeLine(change, keys, with_old, ion, lines);
    if (!s.ok()) return s;
    ++*items;
    *billed += (cursor->has_new() ? cursor->new_size() : 0) +
               (with_old && cursor->has_old() ? cursor->old_size() : 0);
    s = flush_if_full();
    if (!s.ok()) return s;
  }
  return cursor->status();
}

Status WriteDataFile(storage::Storage& storage, s3::Sink& sink, const ExportRecord& record,
                     const common::KeySchema& keys, const ExportServiceOptions& options,
                     const s3::ObjectOptions& object_options, const std::string& key,
                     std::string lower, std::string upper, DataFileProgress* progress,
                     FileResult* result) {
  std::unique_ptr<s3::ObjectWriter> writer;
  Status s = sink.NewMultipartWriter(record.s3_bucket, key, object_options, &writer);
  if (!s.ok()) return s;
  GzipStream gz([&](std::string_view chunk) {
    progress->written_bytes.store(
        progress->written_bytes.load(std::memory_order_relaxed) + chunk.size(),
        std::memory_order_relaxed);
    return writer->Append(chunk);
  });
  std::string lines;
  lines.reserve(kLineBufferBytes + 64 * 1024);
  uint64_t items = 0, billed = 0;
  auto flush_if_full = [&]() -> Status {
    if (lines.size() < kLineBufferBytes) return Status::OK();
    Status w = gz.Write(lines);
    lines.clear();
    progress->items.store(items, std::memory_order_relaxed);
    progress->item_bytes.store(billed, std::memory_order_relaxed);
    if (options.testing_flush_delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options.testing_flush_delay_ms));
    }
    return w;
  };
  s = record.incremental()
          ? AppendChangeLines(storage, record, keys, std::move(lower), std::move(upper),
                              flush_if_full, &lines, &items, &billed)
          : AppendItemLines(storage, record, std::move(lower), std::move(upper), flush_if_full,
                            &lines, &items, &billed);
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
  progress->items.store(items, std::memory_order_relaxed);
  progress->item_bytes.store(billed, std::memory_order_relaxed);
  progress->done.store(true, std::memory_order_release);  // with the final counts
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
                    ExportRecord* record, const std::function<void(const ExportRecord&)>& persist,
                    const std::function<void(std::shared_ptr<const ExportProgress>)>& publish) {
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
  // An incremental export's data files go to the folder all incremental exports under the
  // prefix share (spec §1.2); their names are derived from the export, so they never collide.
  const std::string data_prefix =
      record->incremental() ? IncrementalDataPrefix(record->s3_prefix) : prefix + "/data";
  common::KeySchema key_schema;
  if (auto table = storage.FindTable(record->table_name);
      table && table->id == record->table_internal_id) {
    key_schema = table->key_schema;
  } else {
    return Status::NotFound("the table was deleted before the export ran");
  }
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
    keys[i] = data_prefix + "/" +
              Base32LowerNoPad(aws::Md5(record->export_arn + "#" + std::to_string(i))) + suffix;
  }
  auto progress = std::make_shared<ExportProgress>(keys);
  if (publish) publish(progress);
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (uint64_t i = next++; i < files && !failed; i = next++) {
      std::string lower, upper;
      model::PartitionSliceBounds(i, files, &lower, &upper);
      results[i].status =
          WriteDataFile(storage, sink, *record, key_schema, options, object_options, keys[i],
                        std::move(lower), std::move(upper), &progress->files[i], &results[i]);
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
  if (record->incremental()) {
    summary.incremental = true;
    summary.export_from_time_ms = static_cast<int64_t>(record->export_from_time_us / 1000);
    summary.export_to_time_ms = static_cast<int64_t>(record->export_to_time_us / 1000);
    summary.output_view = record->export_view_type;
    // AWS bills an incremental export at least 10 MB (its manifests show 10000000 for a
    // handful of changes, and for none: spec §1.4, §5).
    billed = std::max<uint64_t>(billed, kMinIncrementalBilledBytes);
  }
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
