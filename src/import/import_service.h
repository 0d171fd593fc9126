#pragma once
// ImportService: the background half of ImportTable. The API validates a request and hands it
// here; Submit creates the new table at once, CREATING (TableMeta::restore_in_progress: no
// reads or writes reach it), persists the import's record IN_PROGRESS and queues it. A worker
// then reads every object under the S3 prefix, parses and checks each line, sorts the items by
// key (sorted_items.h) and loads them with one storage::BulkLoader (SST files ingested at once).
// Only after the ingest is durable does the table turn ACTIVE, and only after that does the
// record say COMPLETED (or FAILED, for items that failed validation: AWS keeps those tables).
//
// Crash safety: nothing of a load is in the database before its ingest, and the table stays
// CREATING until the ingest is durable, so a crash never leaves a half-filled ACTIVE table. At
// the next start, an import still IN_PROGRESS runs again from the beginning into a re-created
// table (same name and TableId); one whose items were ingested just before the crash is
// finished from its persisted counters.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "import/import_record.h"
#include "import/object_source.h"
#include "jobs/client_tokens.h"
#include "jobs/job_queue.h"
#include "storage/storage.h"

namespace tideline::importer {

struct ImportServiceOptions {
  int worker_threads = 1;  // imports running at once
  int max_in_flight = 50;  // IN_PROGRESS imports before LimitExceededException (AWS's quota)
  int read_threads = 2;    // objects of one import read and parsed at once
  // Memory for sorting: items beyond this many bytes go to sorted run files on disk.
  uint64_t sort_run_bytes = 24ull << 20;
  std::string work_dir;  // sort runs: <work_dir>/<import id>/
  std::string log_dir;   // error logs: <log_dir>/<import id>/error
};

enum class SubmitResult { kCreated, kReplayed, kConflict, kTableExists, kLimitExceeded, kError };

class ImportService {
 public:
  ImportService(storage::Storage& storage, std::unique_ptr<ObjectSource> source,
                ImportServiceOptions options);
  ~ImportService();  // Stop()
  ImportService(const ImportService&) = delete;
  ImportService& operator=(const ImportService&) = delete;

  // Loads the records and client tokens, drops those past retention, finishes or re-queues the
  // imports a shutdown or crash interrupted, and starts the workers. Call after every other
  // start-up step that may remove incomplete tables.
  Status Start();
  // Stops the workers; an import in progress is abandoned where it is (its table stays
  // CREATING) and runs again at the next Start.
  void Stop();

  // Registers a new import: `record` (ids, times, request fields filled by the caller) and the
  // table to create, `table`. A ClientToken seen in the last 8 hours gives kReplayed (*out: the
  // import it started) while that import runs and names the same table, kConflict when it names
  // another table. kTableExists when the table exists. On kError, *error says why.
  SubmitResult Submit(ImportRecord record, storage::TableMeta table, ImportRecord* out,
                      Status* error);

  std::optional<ImportRecord> Find(const std::string& import_arn) const;
  // Every record within retention, newest first (descending ImportArn: the id starts with the
  // start time).
  std::vector<ImportRecord> ListAll() const;
  // Blocks until no import is queued or running (tests, benchmarks).
  void WaitIdle();

  // Where the error log of an import is written.
  std::string ErrorLogPath(const std::string& import_id) const;

  static constexpr int64_t kClientTokenTtlMs = 8ll * 3600 * 1000;
  static constexpr int64_t kRetentionMs = 90ll * 86400 * 1000;

 private:
  void RunQueued(const std::string& import_arn);
  void Run(ImportRecord record);
  void Persist(const ImportRecord& record);
  void Update(const ImportRecord& record);  // persists and replaces the in-memory copy
  // Re-creates the table of an interrupted import; false (record FAILED) when it cannot.
  bool Recreate(ImportRecord* record);

  storage::Storage& storage_;
  std::unique_ptr<ObjectSource> source_;
  ImportServiceOptions options_;

  mutable common::Mutex mu_;  // before the queue's (a leaf) and storage's
  std::map<std::string, ImportRecord> records_ GUARDED_BY(mu_);  // by ImportArn
  jobs::ClientTokens tokens_ GUARDED_BY(mu_);
  jobs::JobQueue queue_;
};

// The outcome of reading and loading one import (import_job.cc).
struct ImportOutcome {
  bool interrupted = false;  // Stop() was called: the record stays IN_PROGRESS
  bool drop_table = false;   // the import failed before any item: remove the table
  std::string status;        // COMPLETED or FAILED
  std::string failure_code;
  std::string failure_message;
  uint64_t processed_size_bytes = 0;
  uint64_t processed_item_count = 0;
  uint64_t imported_item_count = 0;
  uint64_t error_count = 0;
};

// Reads every object under the record's prefix into the table `table` (CREATING, empty) and
// ingests the items. Does not touch the record or the table's status.
ImportOutcome RunImportJob(storage::Storage& storage, ObjectSource& source,
                           const ImportServiceOptions& options, const ImportRecord& record,
                           const storage::TableMeta& table, const std::atomic<bool>& stopping,
                           const std::string& error_log_path);

}  // namespace tideline::importer
