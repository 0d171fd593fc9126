#pragma once
// ExportService: accepts exports, keeps their records durable, runs them on worker threads and
// recovers them after a restart. The API layer validates requests and turns SubmitResult into
// DynamoDB's errors; this module never throws.
//
// Life of an export: Submit() pins the table's history at ExportTime, persists the record
// IN_PROGRESS and queues it; a worker writes _started, the data files (in parallel, one per
// slice of the partition-hash space), manifest-files.json(+.md5) and manifest-summary.json
// (+.md5), then persists COMPLETED. Any failure persists FAILED with a code and message and
// never writes a manifest-summary. After a crash, Recover() runs IN_PROGRESS exports again
// from the start (same id and keys) or fails them with a reason.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "export/export_progress.h"
#include "export/export_record.h"
#include "jobs/client_tokens.h"
#include "jobs/job_queue.h"
#include "s3/sink.h"
#include "storage/storage.h"

namespace tideline::exporter {

struct ExportServiceOptions {
  int worker_threads = 2;                    // exports running at once
  int file_threads = 2;                      // data files written in parallel within one export
  int max_in_flight = 300;                   // IN_PROGRESS exports before LimitExceededException
  uint64_t target_file_bytes = 64ull << 20;  // item bytes per data file (before compression)
  // Browser tests only (--testing-export-flush-delay-ms): a pause after each 256 KB of a data
  // file, so that a test can watch an export's progress while it runs.
  int testing_flush_delay_ms = 0;
};

enum class SubmitResult { kCreated, kReplayed, kConflict, kLimitExceeded, kError };

class ExportService {
 public:
  ExportService(storage::Storage& storage, std::unique_ptr<s3::Sink> sink,
                ExportServiceOptions options);
  ~ExportService();

  // Loads records and client tokens, drops those past retention, re-pins and re-queues
  // IN_PROGRESS exports (or fails them when their table is gone), and starts the workers.
  Status Start();
  // Stops the workers after the exports they are running (queued ones stay IN_PROGRESS and
  // resume at the next Start).
  void Stop();

  // Registers a new export (record.status IN_PROGRESS, ids, times filled by the caller) unless
  // its ClientToken was used in the last 8 hours: then kReplayed with the earlier export in
  // *out when the parameters match, kConflict when they differ. kLimitExceeded when
  // max_in_flight exports are IN_PROGRESS.
  SubmitResult Submit(const ExportRecord& record, ExportRecord* out);

  std::optional<ExportRecord> Find(const std::string& export_arn) const;
  // All records, newest first (descending ExportArn, as ListExports orders them).
  std::vector<ExportRecord> ListAll() const;
  // The per-file progress of an export while it writes its data files; nullptr before that
  // and once it has ended (its record then has the totals).
  std::shared_ptr<const ExportProgress> Progress(const std::string& export_arn) const;

  // Blocks until no export is queued or running (tests and benchmarks).
  void WaitIdle();

  static constexpr int64_t kClientTokenTtlMs = 8ll * 3600 * 1000;
  static constexpr int64_t kRetentionMs = 90ll * 86400 * 1000;

 private:
  void RunQueued(const std::string& export_arn);
  void Run(ExportRecord record);
  void Persist(const ExportRecord& record);

  storage::Storage& storage_;
  std::unique_ptr<s3::Sink> sink_;
  ExportServiceOptions options_;

  mutable common::Mutex mu_;  // before the queue's (a leaf) and storage's
  std::map<std::string, ExportRecord> records_ GUARDED_BY(mu_);  // by ExportArn
  jobs::ClientTokens tokens_ GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<storage::Storage::HistoryPin>> pins_ GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<const ExportProgress>> progress_ GUARDED_BY(mu_);
  jobs::JobQueue queue_;  // last: its workers stop before the members they use go
};

// Writes the objects of one export and fills item_count, billed_size_bytes and
// export_manifest on success. Defined in export_job.cc.
// `persist` saves the record when the job fixes a decision a rerun must repeat (the number of
// data files). `publish` (optional) receives the progress object once the data files are
// named, before any is written.
Status RunExportJob(storage::Storage& storage, s3::Sink& sink, const ExportServiceOptions& options,
                    ExportRecord* record, const std::function<void(const ExportRecord&)>& persist,
                    const std::function<void(std::shared_ptr<const ExportProgress>)>& publish = {});

}  // namespace tideline::exporter
