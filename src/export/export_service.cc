#include "export/export_service.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/clock.h"
#include "export/failure.h"
#include "json/json.h"

namespace tideline::exporter {

namespace {

constexpr std::string_view kRecordPrefix = "export/";
constexpr std::string_view kTokenPrefix = "exporttoken/";

std::string SerializeToken(const std::string& fingerprint, const std::string& arn,
                           int64_t expires_ms) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("fingerprint");
  json::WriteString(w, fingerprint);
  w.Key("arn");
  json::WriteString(w, arn);
  w.Key("expires_ms");
  w.Int64(expires_ms);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

ExportService::ExportService(storage::Storage& storage, std::unique_ptr<s3::Sink> sink,
                             ExportServiceOptions options)
    : storage_(storage), sink_(std::move(sink)), options_(options) {}

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
    s = storage_.ScanMeta(kTokenPrefix, [&](std::string_view key, std::string_view value) {
      mu_.AssertHeld();  // as above
      json::Document doc;
      if (!json::Parse(value, &doc, nullptr) || !doc.IsObject()) return true;
      const json::Value* f = json::Find(doc, "fingerprint");
      const json::Value* a = json::Find(doc, "arn");
      const json::Value* e = json::Find(doc, "expires_ms");
      if (!f || !a || !e || !f->IsString() || !a->IsString() || !e->IsInt64()) return true;
      if (e->GetInt64() <= now) {
        expired_tokens.emplace_back(key);
        return true;
      }
      tokens_[std::string(key.substr(kTokenPrefix.size()))] =
          Token{std::string(json::AsView(*f)), std::string(json::AsView(*a)), e->GetInt64()};
      return true;
    });
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
      queue_.push_back(arn);
      spdlog::info("resuming export {} after a restart", arn);
    }
  }
  for (const auto& key : expired_records) (void)storage_.DeleteMeta(key);
  for (const auto& key : expired_tokens) (void)storage_.DeleteMeta(key);
  for (int i = 0; i < std::max(1, options_.worker_threads); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  return Status::OK();
}

void ExportService::Stop() {
  {
    common::MutexLock lock(&mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.SignalAll();
  for (auto& t : workers_) t.join();
  workers_.clear();
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
    auto it = tokens_.find(record.client_token);
    if (it != tokens_.end() && it->second.expires_ms > now) {
      auto existing = records_.find(it->second.export_arn);
      if (it->second.fingerprint != record.Fingerprint() || existing == records_.end()) {
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
    const int64_t expires = now + kClientTokenTtlMs;
    s = storage_.PutMeta(std::string(kTokenPrefix) + record.client_token,
                         SerializeToken(record.Fingerprint(), record.export_arn, expires));
    if (s.ok())
      tokens_[record.client_token] = Token{record.Fingerprint(), record.export_arn, expires};
  }
  if (!s.ok()) {
    pins_.erase(record.export_arn);
    spdlog::error("cannot persist export {}: {}", record.export_arn, s.ToString());
    return SubmitResult::kError;
  }
  records_[record.export_arn] = record;
  queue_.push_back(record.export_arn);
  spdlog::info("export {} of table {} started: {} {} to s3://{}/{}", record.export_arn,
               record.table_name, record.incremental() ? "INCREMENTAL_EXPORT" : "FULL_EXPORT",
               record.export_format, record.s3_bucket, record.s3_prefix);
  *out = record;
  cv_.Signal();
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

void ExportService::WaitIdle() {
  common::MutexLock lock(&mu_);
  while (!queue_.empty() || running_ != 0) idle_cv_.Wait(&mu_);
}

void ExportService::WorkerLoop() {
  for (;;) {
    ExportRecord record;
    {
      common::MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(&mu_);
      if (stopping_) return;
      record = records_[queue_.front()];
      queue_.pop_front();
      ++running_;
    }
    Run(std::move(record));
    {
      common::MutexLock lock(&mu_);
      --running_;
    }
    idle_cv_.SignalAll();
  }
}

void ExportService::Run(ExportRecord record) {
  const auto started = std::chrono::steady_clock::now();
  Status s;
  try {
    s = RunExportJob(storage_, *sink_, options_, &record, [this](const ExportRecord& r) {
      common::MutexLock lock(&mu_);
      Persist(r);
      records_[r.export_arn] = r;
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
}

}  // namespace tideline::exporter
