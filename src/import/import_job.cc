// One import: list the objects under the prefix, read each (decompressed, split into lines),
// turn each line into an item with the table's rules, sort the items by key and ingest them.
//
// What counts, as measured on AWS (ScyllaDB's test_import.py against DynamoDB, shared spec
// §5 "Import semantics"):
//  - blank lines (empty or whitespace only) are neither items nor errors;
//  - a line that cannot become an item is one error, and the rest of its object is skipped
//    (the developer guide: "we may skip processing the remaining portion of the object");
//  - ProcessedItemCount = ImportedItemCount + ErrorCount; ImportedItemCount counts writes, so
//    duplicate keys count each time and overwrite one another silently;
//  - ProcessedSizeBytes counts the bytes after decompression;
//  - any error ends the import FAILED / ItemValidationError, the table kept with its good items;
//  - a prefix that matches nothing COMPLETES with an empty table; a missing bucket FAILS
//    (S3NoSuchBucket) and leaves no table.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "common/api_error.h"
#include "common/mutex.h"
#include "import/decompressor.h"
#include "import/error_log.h"
#include "import/import_service.h"
#include "import/line_parser.h"
#include "import/plain_item_line.h"
#include "import/sorted_items.h"
#include "model/index_key.h"
#include "model/key_codec.h"
#include "storage/bulk_load.h"

namespace tideline::importer {
namespace {

// A line longer than this cannot hold a DynamoDB item (400 KB, whose JSON with base64 binaries
// stays far below it); the rest of its object is not read.
constexpr size_t kMaxLineBytes = size_t{4} << 20;
constexpr uint64_t kLinesPerStopCheck = 4096;

// AWS's FailureMessage for ItemValidationError (awsdocs S3DataImport.Validation). The errors
// are in Tideline's error log, not in CloudWatch: see ErrorLog.
constexpr const char* kItemValidationMessage =
    "Some of the items failed validation checks and were not imported. Please check CloudWatch "
    "error logs for more details.";

void FailFromStatus(const Status& s, ImportOutcome* out) {
  out->status = "FAILED";
  out->drop_table = true;
  if (s.code() == Status::Code::kRemote && !s.remote_code().empty()) {
    // As exports report S3's errors: "S3" + S3's code, S3's message (S3NoSuchBucket).
    out->failure_code = "S3" + s.remote_code();
    out->failure_message = s.message();
  } else {
    // Local I/O or an endpoint that cannot be reached: no AWS code is documented for this.
    out->failure_code = "InternalError";
    out->failure_message = "The import could not read its source or write the table";
  }
}

std::unique_ptr<LineParser> MakeParser(const ImportRecord& record,
                                       const storage::TableMeta& table) {
  if (record.input_format == "ION") return NewIonParser();
  if (record.input_format == "CSV") {
    CsvFormat format;
    if (!record.csv_delimiter.empty()) format.delimiter = record.csv_delimiter[0];
    format.has_header_list = record.has_csv_header_list;
    format.header_list = record.csv_header_list;
    // The key attributes of the table and of its indexes are all in AttributeDefinitions.
    for (const auto& [name, type] : table.attribute_definitions) format.key_types[name] = type;
    return NewCsvParser(std::move(format));
  }
  return NewDynamoDbJsonParser();
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
  });
}

// The sorter shared by the threads that read objects: each hands it its items a batch at a time.
class SharedItems {
 public:
  explicit SharedItems(SortedItems& sorted) : sorted_(sorted) {}
  struct Batch {
    std::string arena;  // key then JSON, item after item
    std::vector<std::pair<uint32_t, uint32_t>> lengths;
    std::vector<uint32_t> sizes;
  };
  Status Add(const Batch& batch) {
    common::MutexLock lock(&mu_);
    size_t offset = 0;
    for (size_t i = 0; i < batch.sizes.size(); ++i) {
      const auto [key_len, json_len] = batch.lengths[i];
      const std::string_view data(batch.arena);
      Status s = sorted_.Add(data.substr(offset, key_len), data.substr(offset + key_len, json_len),
                             batch.sizes[i]);
      if (!s.ok()) return s;
      offset += key_len + json_len;
    }
    return Status::OK();
  }

 private:
  common::Mutex mu_;
  SortedItems& sorted_ GUARDED_BY(mu_);
};

// Items a reader thread gathers before it takes the sorter's lock.
constexpr size_t kBatchBytes = size_t{1} << 20;

// The per-line work of the import: one per reader thread.
class LineImporter {
 public:
  LineImporter(const storage::TableMeta& table, LineParser& parser, SharedItems& items,
               ImportOutcome& outcome, ErrorLog& log, const std::string& bucket,
               const std::atomic<bool>& stopping, bool fast_path)
      : table_(table),
        parser_(parser),
        items_(items),
        outcome_(outcome),
        log_(log),
        bucket_(bucket),
        stopping_(stopping) {
    std::vector<std::string> key_names{table.key_schema.hash_name};
    if (table.key_schema.has_range()) key_names.push_back(table.key_schema.range_name);
    for (const auto& index : table.indexes) {
      if (index.status == "DELETING") continue;
      indexes_.push_back(&index);
      const model::IndexKeySchema schema = index.key_schema();
      for (const auto& a : schema.hash) key_names.push_back(a.name);
      for (const auto& a : schema.range) key_names.push_back(a.name);
    }
    if (fast_path) plain_.emplace(std::move(key_names));
  }

  // Reads one object. false when the import cannot go on (fatal_ or interrupted).
  bool ImportObject(ObjectSource& source, const SourceObject& object, const ImportRecord& record) {
    key_ = &object.key;
    parser_.BeginObject();
    partial_.clear();
    line_index_ = 0;
    abandoned_ = false;
    auto decompressor = NewDecompressor(record.input_compression_type);
    Status format_error;  // the object is not in the compression format
    Status read =
        source.Read(record.s3_bucket, object, record.s3_bucket_owner, [&](std::string_view chunk) {
          bool stopped = false;
          Status s = decompressor->Write(
              chunk, [this](std::string_view data) { return OnBytes(data); }, &stopped);
          if (!s.ok()) format_error = s;
          return s.ok() && !stopped;
        });
    if (!read.ok()) {
      FailFromStatus(read, &outcome_);
      return false;
    }
    if (!fatal_.ok() || interrupted_) return false;
    if (abandoned_) return true;
    if (format_error.ok()) format_error = decompressor->Finish();
    if (!format_error.ok()) {
      // The object as a whole cannot be read: one error, like a line that is not an item.
      RecordError("The object cannot be read as " + record.input_compression_type +
                  " compressed data: " + format_error.message());
      return true;
    }
    if (!partial_.empty()) {
      // The last line of an object needs no newline.
      std::string last = std::move(partial_);
      partial_.clear();
      OnLine(last, /*newline=*/false);
    }
    return fatal_.ok() && !interrupted_;
  }

  const Status& fatal() const { return fatal_; }
  bool interrupted() const { return interrupted_; }

 private:
  bool OnBytes(std::string_view data) {
    size_t start = 0;
    for (;;) {
      const size_t nl = data.find('\n', start);
      if (nl == std::string_view::npos) {
        partial_.append(data.substr(start));
        if (partial_.size() > kMaxLineBytes) {
          ++line_index_;
          RecordError("The line is longer than " + std::to_string(kMaxLineBytes) +
                      " bytes: it cannot hold a DynamoDB item");
          return false;
        }
        return true;
      }
      bool go;
      if (partial_.empty()) {
        go = OnLine(data.substr(start, nl - start), true);
      } else {
        partial_.append(data.substr(start, nl - start));
        go = OnLine(partial_, true);
        partial_.clear();
      }
      if (!go) return false;
      start = nl + 1;
    }
  }

  void RecordError(const std::string& message) {
    ++outcome_.processed_item_count;
    ++outcome_.error_count;
    log_.Write(bucket_, *key_, line_index_ == 0 ? 0 : line_index_ - 1, message);
    abandoned_ = true;
  }

  // false: stop reading the object.
  bool OnLine(std::string_view line, bool newline) {
    ++line_index_;
    outcome_.processed_size_bytes += line.size() + (newline ? 1 : 0);
    if (line_index_ % kLinesPerStopCheck == 0 && stopping_.load(std::memory_order_relaxed)) {
      interrupted_ = true;
      return false;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line)) return true;
    std::string error;
    std::string user_key;
    size_t size = 0;
    // The fast path fills stored_json_ and key_item_ (the key attributes only); otherwise the
    // line is parsed whole into item_.
    const bool plain = plain_ && plain_->Convert(line, &stored_json_, &key_item_, &size);
    if (!plain) {
      item_.clear();
      const LineParser::Result r = parser_.Parse(line, &item_, &error);
      if (r == LineParser::Result::kSkip) return true;
      if (r == LineParser::Result::kItem) size = model::ItemSize(item_);
    }
    if (error.empty()) {
      const model::Item& checked = plain ? key_item_ : item_;
      try {
        user_key = model::KeyOfItem(table_.key_schema, checked);
        if (size > model::kMaxItemSize) {
          error = "Item size has exceeded the maximum allowed size";
        } else {
          for (const storage::IndexMeta* index : indexes_) {
            model::IndexKeyOfItem(index->key_schema(), checked, index->name);
          }
        }
      } catch (const ApiError& e) {
        error = e.message();
      }
    }
    if (!error.empty()) {
      RecordError(error);
      return false;
    }
    if (!plain) stored_json_ = model::ItemToJson(item_);
    ++outcome_.processed_item_count;
    ++outcome_.imported_item_count;
    const size_t before = batch_.arena.size();
    batch_.arena.append(user_key);
    batch_.arena.append(stored_json_);
    batch_.lengths.emplace_back(
        static_cast<uint32_t>(user_key.size()),
        static_cast<uint32_t>(batch_.arena.size() - before - user_key.size()));
    batch_.sizes.push_back(static_cast<uint32_t>(size));
    if (batch_.arena.size() >= kBatchBytes) return Flush();
    return true;
  }

 public:
  // Hands the gathered items to the sorter. false on a failure (fatal()).
  bool Flush() {
    if (batch_.sizes.empty() || !fatal_.ok()) return fatal_.ok();
    fatal_ = items_.Add(batch_);
    batch_.arena.clear();
    batch_.lengths.clear();
    batch_.sizes.clear();
    return fatal_.ok();
  }

  const storage::TableMeta& table_;
  LineParser& parser_;
  SharedItems& items_;
  SharedItems::Batch batch_;
  ImportOutcome& outcome_;
  ErrorLog& log_;
  const std::string& bucket_;
  const std::atomic<bool>& stopping_;
  std::vector<const storage::IndexMeta*> indexes_;
  std::optional<PlainItemLine> plain_;  // DYNAMODB_JSON only
  model::Item item_, key_item_;         // reused from line to line
  std::string stored_json_;
  const std::string* key_ = nullptr;
  std::string partial_;
  uint64_t line_index_ = 0;
  bool abandoned_ = false;
  bool interrupted_ = false;
  Status fatal_;
};

}  // namespace

ImportOutcome RunImportJob(storage::Storage& storage, ObjectSource& source,
                           const ImportServiceOptions& options, const ImportRecord& record,
                           const storage::TableMeta& table, const std::atomic<bool>& stopping,
                           const std::string& error_log_path) {
  ImportOutcome outcome;
  std::vector<SourceObject> objects;
  const std::string prefix = record.has_s3_key_prefix ? record.s3_key_prefix : "";
  if (Status s = source.List(record.s3_bucket, prefix, record.s3_bucket_owner, &objects); !s.ok()) {
    spdlog::warn("import {}: cannot list s3://{}/{}: {}", record.import_arn, record.s3_bucket,
                 prefix, s.ToString());
    FailFromStatus(s, &outcome);
    return outcome;
  }
  ErrorLog log(error_log_path, record.import_arn);
  SortedItems sorted(options.work_dir + "/" + record.import_id, options.sort_run_bytes);
  SharedItems items(sorted);
  // Objects are read, parsed and checked by `threads` readers at once, each taking the next
  // object of the list; the sort and the load after them are sequential.
  const size_t threads = std::max<size_t>(
      1, std::min<size_t>(objects.size(), static_cast<size_t>(options.read_threads)));
  std::vector<ImportOutcome> outcomes(threads);
  std::atomic<size_t> next{0};
  std::atomic<bool> give_up{false};
  auto reader = [&](size_t t) {
    auto parser = MakeParser(record, table);
    LineImporter importer(table, *parser, items, outcomes[t], log, record.s3_bucket, stopping,
                          record.input_format == "DYNAMODB_JSON");
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= objects.size() || give_up) break;
      if (stopping) {
        outcomes[t].interrupted = true;
        break;
      }
      if (!importer.ImportObject(source, objects[i], record) || !importer.Flush()) {
        if (importer.interrupted()) {
          outcomes[t].interrupted = true;
        } else if (!importer.fatal().ok()) {
          spdlog::error("import {}: {}", record.import_arn, importer.fatal().ToString());
          FailFromStatus(importer.fatal(), &outcomes[t]);
        } else {
          spdlog::warn("import {}: cannot read {}: {}", record.import_arn, objects[i].key,
                       outcomes[t].failure_message);  // FailFromStatus filled the outcome
        }
        give_up = true;
        break;
      }
    }
  };
  const auto read_start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(reader, t);
  reader(0);
  for (auto& thread : pool) thread.join();
  for (const ImportOutcome& o : outcomes) {
    outcome.processed_size_bytes += o.processed_size_bytes;
    outcome.processed_item_count += o.processed_item_count;
    outcome.imported_item_count += o.imported_item_count;
    outcome.error_count += o.error_count;
  }
  for (const ImportOutcome& o : outcomes) {
    if (o.interrupted) {
      outcome.interrupted = true;
      return outcome;
    }
  }
  for (const ImportOutcome& o : outcomes) {
    if (!o.status.empty()) {
      outcome.status = o.status;
      outcome.drop_table = o.drop_table;
      outcome.failure_code = o.failure_code;
      outcome.failure_message = o.failure_message;
      return outcome;
    }
  }
  const double read_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - read_start).count();

  std::unique_ptr<storage::BulkLoader> loader;
  Status s = storage::BulkLoader::Start(storage, table, storage::BulkLoadOptions{}, &loader);
  if (s.ok()) {
    s = sorted.Drain([&](std::string_view key, std::string_view json, uint32_t size) {
      if (stopping.load(std::memory_order_relaxed)) return Status::Busy("stopping");
      return loader->Add(key, json, size);
    });
  }
  if (stopping) {
    outcome.interrupted = true;
    return outcome;
  }
  if (s.ok()) s = loader->Finish();
  if (!s.ok()) {
    spdlog::error("import {}: loading the items failed: {}", record.import_arn, s.ToString());
    FailFromStatus(s, &outcome);
    return outcome;
  }
  spdlog::info(
      "import {}: {} objects read in {:.2f} s by {} threads, {} items loaded into {} in {:.2f} s "
      "({} files ingested, {} sort runs)",
      record.import_arn, objects.size(), read_s, threads, loader->items(), table.name,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - read_start).count() - read_s,
      loader->files(), sorted.runs());
  if (outcome.error_count > 0) {
    outcome.status = "FAILED";
    outcome.failure_code = "ItemValidationError";
    outcome.failure_message = kItemValidationMessage;
  } else {
    outcome.status = "COMPLETED";
  }
  return outcome;
}

}  // namespace tideline::importer
