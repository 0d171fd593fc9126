#include "export/export_service.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/clock.h"
#include "export/failure.h"

namespace tideline::exporter {

namespace {

constexpr std::string_view kRecordPrefix = "export/";
constexpr std::string_view kTokenPrefix = "exporttoken/";

}  // namespace

ExportService::ExportService(storage::Storage& storage, std::unique_ptr<s3::Sink> sink,
                             ExportServiceOptions options)
    : storage_(storage),
      sink_(std::move(sink)),
      options_(options),
      tokens_(std::string(kTokenPrefix), /*with_fingerprint=*/true),
      queue_([this](const std::string& arn) { RunQueued(arn); }) {}

ExportService::~ExportService() { Stop(); }

Status ExportService::Start() {
  const int64_t now = NowMillis();
  std::vector<std::string> expired_records, expired_tokens, to_resume;
  {
    common::MutexLock lock(&mu_);
    Status s = storage_.ScanMeta(kRecordPrefix, [&](std::string_view key, std::string_view value) {
      mu_.AssertHeld();  // the scan calls back on this thread, inside the lock above
      ExportRecord r;
      if (!ParseExportRecord(value, &r)) {
        spdlog::warn("skipping unreadable export record {}", key);
        return true;
      }
      if (now - r.start_time_ms > kRetentionMs) {
        expired_records.emplace_back(key);
        return true;
      }
      if (r.status == "IN_PROGRESS") to_resume.push_back(r.export_arn);
      records_[r.export_arn] = std::move(r);
      return true;
    });
    if (!s.ok()) return s;
    s = tokens_.Load(storage_, now, &expired_tokens);
    if (!s.ok()) return s;
    for (const auto& arn : to_resume) {
      ExportRecord& r = records_[arn];
      auto table = storage_.FindTable(r.table_name);
      if (!table || table->id != r.table_internal_id) {
        r.status = "FAILED";
        const ExportFailure failure = TableDeletedFailure();
        r.failure_code = failure.code;
        r.failure_message = failure.message;
        r.end_time_ms = now;
        Persist(r);
        continue;
      }
      pins_[arn] = storage_.PinHistory(r.table_internal_id, r.PinTime());
      queue_.Push(arn);
      spdlog::info("resuming export {} after a restart", arn);
    }
  }
  for (const auto& key : expired_records) (void)storage_.DeleteMeta(key);
  for (const auto& key : expired_tokens) (void)storage_.DeleteMeta(key);
  queue_.Start(options_.worker_threads);
  return Status::OK();
}

void ExportService::Stop() {
  queue_.Stop();
  // The pins reference the storage, which the owner closes after stopping this service.
  common::MutexLock lock(&mu_);
  pins_.clear();
}

void ExportService::Persist(const ExportRecord& record) {
  Status s = storage_.PutMeta(std::string(kRecordPrefix) + record.export_arn,
                              SerializeExportRecord(record));
  if (!s.ok())
    spdlog::error("cannot persist export record {}: {}", record.export_arn, s.ToString());
}

SubmitResult ExportService::Submit(const ExportRecord& record, ExportRecord* out) {
  const int64_t now = NowMillis();
  common::MutexLock lock(&mu_);
  if (!record.client_token.empty()) {
    if (const jobs::ClientTokens::Entry* token = tokens_.Find(record.client_token, now)) {
      auto existing = records_.find(token->arn);
      if (token->fingerprint != record.Fingerprint() || existing == records_.end()) {
        return SubmitResult::kConflict;
      }
      *out = existing->second;
      return SubmitResult::kReplayed;
    }
  }
  int in_flight = 0;
  for (const auto& [arn, r] : records_) in_flight += r.status == "IN_PROGRESS";
  if (in_flight >= options_.max_in_flight) return SubmitResult::kLimitExceeded;

  // Pin first: from here on the versions the export reads cannot be collected.
  pins_[record.export_arn] = storage_.PinHistory(record.table_internal_id, record.PinTime());
  Status s = storage_.PutMeta(std::string(kRecordPrefix) + record.export_arn,
                              SerializeExportRecord(record));
  if (s.ok() && !record.client_token.empty()) {
    s = tokens_.Put(storage_, record.client_token,
                    {record.Fingerprint(), record.export_arn, now + kClientTokenTtlMs});
  }
  if (!s.ok()) {
    pins_.erase(record.export_arn);
    spdlog::error("cannot persist export {}: {}", record.export_arn, s.ToString());
    return SubmitResult::kError;
  }
  records_[record.export_arn] = record;
  queue_.Push(record.export_arn);
  spdlog::info("export {} of table {} started: {} {} to s3://{}/{}", record.export_arn,
               record.table_name, record.incremental() ? "INCREMENTAL_EXPORT" : "FULL_EXPORT",
               record.export_format, record.s3_bucket, record.s3_prefix);
  *out = record;
  return SubmitResult::kCreated;
}

std::optional<ExportRecord> ExportService::Find(const std::string& export_arn) const {
  common::MutexLock lock(&mu_);
  auto it = records_.find(export_arn);
  if (it == records_.end()) return std::nullopt;
  if (NowMillis() - it->second.start_time_ms > kRetentionMs) return std::nullopt;
  return it->second;
}

std::vector<ExportRecord> ExportService::ListAll() const {
  const int64_t now = NowMillis();
  common::MutexLock lock(&mu_);
  std::vector<ExportRecord> out;
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (now - it->second.start_time_ms <= kRetentionMs) out.push_back(it->second);
  }
  return out;
}

std::shared_ptr<const ExportProgress> ExportService::Progress(const std::string& export_arn) const {
  common::MutexLock lock(&mu_);
  auto it = progress_.find(export_arn);
  return it == progress_.end() ? nullptr : it->second;
}

void ExportService::WaitIdle() { queue_.WaitIdle(); }

void ExportService::RunQueued(const std::string& export_arn) {
  ExportRecord record;
  {
    common::MutexLock lock(&mu_);
    record = records_[export_arn];
  }
  Run(std::move(record));
}

void ExportService::Run(ExportRecord record) {
  const auto started = std::chrono::steady_clock::now();
  Status s;
  try {
    s = RunExportJob(
        storage_, *sink_, options_, &record,
        [this](const ExportRecord& r) {
          common::MutexLock lock(&mu_);
          Persist(r);
          records_[r.export_arn] = r;
        },
        [this, &record](std::shared_ptr<const ExportProgress> progress) {
          common::MutexLock lock(&mu_);
          progress_[record.export_arn] = std::move(progress);
        });
  } catch (const std::exception& e) {
    s = Status::IOError(std::string("internal error: ") + e.what());
  }
  // A table deleted while its export ran may have lost items under the export's feet (and an
  // export that failed because its table was gone failed for that reason).
  auto table = storage_.FindTable(record.table_name);
  const bool table_deleted = !table || table->id != record.table_internal_id;
  if (!s.ok() || table_deleted || record.end_time_ms == 0) {
    record.end_time_ms = std::max(NowMillis(), record.start_time_ms);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (s.ok() && !table_deleted) {
    record.status = "COMPLETED";
    spdlog::info("export {} COMPLETED ({} items, {} bytes, {} data files, {:.3f} s) in s3://{}/{}",
                 record.export_arn, record.item_count, record.billed_size_bytes,
                 record.data_file_count, secs, record.s3_bucket, record.export_manifest);
  } else {
    // The client sees AWS's code and message; the detail (which may name local files) is
    // logged here, once.
    const ExportFailure failure = table_deleted ? TableDeletedFailure() : FailureOf(s);
    record.status = "FAILED";
    record.failure_code = failure.code;
    record.failure_message = failure.message;
    record.export_manifest.clear();
    record.item_count = 0;
    record.billed_size_bytes = 0;
    spdlog::error("export {} FAILED after {:.3f} s ({}): {}", record.export_arn, secs, failure.code,
                  table_deleted ? failure.message : s.ToString());
  }
  common::MutexLock lock(&mu_);
  Persist(record);
  records_[record.export_arn] = record;
  pins_.erase(record.export_arn);
  progress_.erase(record.export_arn);
}

}  // namespace tideline::exporter
