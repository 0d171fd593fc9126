#include "import/import_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "common/clock.h"
#include "storage/table_meta.h"

namespace tideline::importer {

namespace {

constexpr std::string_view kRecordPrefix = "import/";
constexpr std::string_view kTokenPrefix = "importtoken/";

}  // namespace

ImportService::ImportService(storage::Storage& storage, std::unique_ptr<ObjectSource> source,
                             ImportServiceOptions options)
    : storage_(storage),
      source_(std::move(source)),
      options_(std::move(options)),
      tokens_(std::string(kTokenPrefix), /*with_fingerprint=*/false),
      queue_([this](const std::string& arn) { RunQueued(arn); }) {}

ImportService::~ImportService() { Stop(); }

std::string ImportService::ErrorLogPath(const std::string& import_id) const {
  return options_.log_dir + "/" + import_id + "/error";
}

void ImportService::Persist(const ImportRecord& record) {
  Status s = storage_.PutMeta(std::string(kRecordPrefix) + record.import_arn,
                              SerializeImportRecord(record));
  if (!s.ok())
    spdlog::error("cannot persist import record {}: {}", record.import_arn, s.ToString());
}

void ImportService::Update(const ImportRecord& record) {
  Persist(record);
  common::MutexLock lock(&mu_);
  records_[record.import_arn] = record;
}

bool ImportService::Recreate(ImportRecord* r) {
  storage::TableMeta meta;
  if (!ParseTableMeta(r->table_meta_json, &meta)) {
    spdlog::error("import {}: unreadable table definition", r->import_arn);
    return false;
  }
  meta.id = 0;
  meta.restore_in_progress = true;
  std::shared_ptr<const storage::TableMeta> created;
  Status s = storage_.CreateTable(std::move(meta), &created);
  if (!s.ok()) {
    spdlog::error("import {}: cannot re-create table {}: {}", r->import_arn, r->table_name,
                  s.ToString());
    return false;
  }
  r->table_internal_id = created->id;
  return true;
}

Status ImportService::Start() {
  const int64_t now = NowMillis();
  std::vector<std::string> expired;
  std::vector<ImportRecord> unfinished;
  {
    common::MutexLock lock(&mu_);
    Status s = storage_.ScanMeta(kRecordPrefix, [&](std::string_view key, std::string_view value) {
      mu_.AssertHeld();  // the scan calls back on this thread, inside the lock above
      ImportRecord r;
      if (!ParseImportRecord(value, &r)) {
        spdlog::warn("skipping unreadable import record {}", key);
        return true;
      }
      if (now - r.start_time_ms > kRetentionMs) {
        expired.emplace_back(key);
        return true;
      }
      if (r.status == "IN_PROGRESS") unfinished.push_back(r);
      records_[r.import_arn] = std::move(r);
      return true;
    });
    if (!s.ok()) return s;
    s = tokens_.Load(storage_, now, &expired);
    if (!s.ok()) return s;
  }
  for (const auto& key : expired) (void)storage_.DeleteMeta(key);

  for (ImportRecord& r : unfinished) {
    auto table = storage_.FindTable(r.table_name);
    const bool ours = table && table->id == r.table_internal_id;
    if (r.loaded && ours) {
      // The items were ingested before the crash: turn the table ACTIVE and end the record.
      if (table->restore_in_progress) {
        storage::TableMeta done = *table;
        done.restore_in_progress = false;
        if (Status s = storage_.UpdateTable(done); !s.ok()) return s;
      }
      r.status = r.outcome;
      r.end_time_ms = r.end_time_ms ? r.end_time_ms : now;
      Update(r);
      spdlog::info("import {} finished after a restart ({})", r.import_arn, r.status);
      continue;
    }
    // Run it again from the start, into a fresh copy of its table.
    if (ours) {
      if (Status s = storage_.DeleteTable(r.table_name); !s.ok()) return s;
    } else if (table) {
      // Another table took the name: the import cannot go on (AWS never lets this happen).
      r.status = "FAILED";
      r.failure_code = "InternalError";
      r.failure_message = "The import was interrupted by a restart and its table name is taken";
      r.end_time_ms = now;
      Update(r);
      continue;
    }
    r.loaded = false;
    r.processed_size_bytes = r.processed_item_count = r.imported_item_count = r.error_count = 0;
    if (!Recreate(&r)) {
      r.status = "FAILED";
      r.failure_code = "InternalError";
      r.failure_message = "The import was interrupted by a restart and could not start again";
      r.end_time_ms = now;
      Update(r);
      continue;
    }
    Update(r);
    queue_.Push(r.import_arn);
    spdlog::info("import {} runs again after a restart", r.import_arn);
  }
  queue_.Start(options_.worker_threads);
  return Status::OK();
}

void ImportService::Stop() { queue_.Stop(); }

SubmitResult ImportService::Submit(ImportRecord record, storage::TableMeta table, ImportRecord* out,
                                   Status* error) {
  const int64_t now = NowMillis();
  common::MutexLock lock(&mu_);
  if (const jobs::ClientTokens::Entry* token = tokens_.Find(record.client_token, now)) {
    auto existing = records_.find(token->arn);
    if (existing != records_.end()) {
      // Only the target table matters to AWS's duplicate check: the same token with another
      // source, format or compression returns the first import (ScyllaDB's AWS measurements).
      if (existing->second.table_name != record.table_name) return SubmitResult::kConflict;
      if (existing->second.status == "IN_PROGRESS") {
        *out = existing->second;
        return SubmitResult::kReplayed;
      }
      // Finished: its table exists, and the table check below answers (AWS does the same).
    }
  }
  if (storage_.FindTable(record.table_name)) return SubmitResult::kTableExists;
  int in_flight = 0;
  for (const auto& [arn, r] : records_) in_flight += r.status == "IN_PROGRESS";
  if (in_flight >= options_.max_in_flight) return SubmitResult::kLimitExceeded;

  table.restore_in_progress = true;  // CREATING until the items are in
  record.table_meta_json = storage::SerializeTableMeta(table);
  std::shared_ptr<const storage::TableMeta> created;
  Status s = storage_.CreateTable(std::move(table), &created);
  if (s.IsAlreadyExists()) return SubmitResult::kTableExists;
  if (!s.ok()) {
    *error = s;
    return SubmitResult::kError;
  }
  record.table_internal_id = created->id;
  s = storage_.PutMeta(std::string(kRecordPrefix) + record.import_arn,
                       SerializeImportRecord(record));
  if (s.ok()) {
    s = tokens_.Put(storage_, record.client_token,
                    {/*fingerprint=*/"", record.import_arn, now + kClientTokenTtlMs});
  }
  if (!s.ok()) {
    (void)storage_.DeleteTable(record.table_name);
    *error = s;
    return SubmitResult::kError;
  }
  records_[record.import_arn] = record;
  queue_.Push(record.import_arn);
  *out = record;
  return SubmitResult::kCreated;
}

std::optional<ImportRecord> ImportService::Find(const std::string& import_arn) const {
  common::MutexLock lock(&mu_);
  auto it = records_.find(import_arn);
  if (it == records_.end()) return std::nullopt;
  if (NowMillis() - it->second.start_time_ms > kRetentionMs) return std::nullopt;
  return it->second;
}

std::vector<ImportRecord> ImportService::ListAll() const {
  const int64_t now = NowMillis();
  common::MutexLock lock(&mu_);
  std::vector<ImportRecord> out;
  for (const auto& [arn, r] : records_) {
    if (now - r.start_time_ms <= kRetentionMs) out.push_back(r);
  }
  // Newest first: by start time, then by ARN (ids start with the start time, but ARNs of
  // different tables do not sort by it).
  std::sort(out.begin(), out.end(), [](const ImportRecord& a, const ImportRecord& b) {
    if (a.start_time_ms != b.start_time_ms) return a.start_time_ms > b.start_time_ms;
    return a.import_arn > b.import_arn;
  });
  return out;
}

void ImportService::WaitIdle() { queue_.WaitIdle(); }

void ImportService::RunQueued(const std::string& import_arn) {
  ImportRecord record;
  {
    common::MutexLock lock(&mu_);
    record = records_[import_arn];
  }
  Run(std::move(record));
}

void ImportService::Run(ImportRecord record) {
  auto table = storage_.FindTable(record.table_name);
  if (!table || table->id != record.table_internal_id) {
    record.status = "FAILED";
    record.failure_code = "InternalError";
    record.failure_message = "The table of the import disappeared while it was being created";
    record.end_time_ms = NowMillis();
    Update(record);
    return;
  }
  ImportOutcome outcome;
  try {
    outcome = RunImportJob(storage_, *source_, options_, record, *table, queue_.stopping(),
                           ErrorLogPath(record.import_id));
  } catch (const std::exception& e) {  // out of memory: this import fails, the server goes on
    spdlog::error("import {} failed: {}", record.import_arn, e.what());
    outcome = ImportOutcome{};
    outcome.status = "FAILED";
    outcome.drop_table = true;
    outcome.failure_code = "InternalError";
    outcome.failure_message = "The import ran out of resources";
  }
  std::error_code ec;
  std::filesystem::remove_all(options_.work_dir + "/" + record.import_id, ec);
  if (outcome.interrupted) return;  // stays IN_PROGRESS: the next start runs it again

  record.processed_size_bytes = outcome.processed_size_bytes;
  record.processed_item_count = outcome.processed_item_count;
  record.imported_item_count = outcome.imported_item_count;
  record.error_count = outcome.error_count;
  record.failure_code = outcome.failure_code;
  record.failure_message = outcome.failure_message;
  record.end_time_ms = NowMillis();
  if (outcome.drop_table) {
    // Nothing was ingested: no table is left behind (AWS creates none for a missing bucket).
    Status s = storage_.DeleteTable(record.table_name);
    if (!s.ok() && !s.IsNotFound())
      spdlog::error("import {}: cannot remove its table: {}", record.import_arn, s.ToString());
    record.status = outcome.status;
    Update(record);
    return;
  }
  // The items are durable. Record the outcome first, so that a crash from here on finishes the
  // import from this record instead of loading it again; then the table turns ACTIVE.
  record.loaded = true;
  record.outcome = outcome.status;
  Update(record);
  auto current = storage_.FindTable(record.table_name);
  if (current && current->id == record.table_internal_id) {
    storage::TableMeta done = *current;
    done.restore_in_progress = false;
    if (Status s = storage_.UpdateTable(done); !s.ok()) {
      spdlog::error("import {}: cannot activate table {}: {}", record.import_arn, record.table_name,
                    s.ToString());
      return;  // the next start finishes it
    }
  }
  record.status = outcome.status;
  Update(record);
  spdlog::info("import {} {}: {} processed, {} imported, {} errors", record.import_arn,
               record.status, record.processed_item_count, record.imported_item_count,
               record.error_count);
}

}  // namespace tideline::importer
