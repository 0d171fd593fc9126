#pragma once
// IndexRunSorter: the external sort that turns index entries produced in item order into SST
// files RocksDB can ingest (bulk loads and index backfills, docs/storage.md "Indexes").
//
// Entries are copied into an arena; each time it holds `run_bytes` they are sorted by key and
// written out as one SST file (a run). The runs overlap one another: IngestExternalFile takes
// them all in one call and gives each its own sequence number, and compaction merges them later.
// So the memory of a sort is that of two arenas whatever the number of entries: while one run
// is sorted and written on a helper thread, the next one fills.
//
// Keys must be unique across all runs (each entry names its item's user key): RocksDB would keep
// the copy of the run ingested last, which is not necessarily the one added last.

#include <rocksdb/options.h>

#include <cstdint>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tideline::storage {

class IndexRunSorter {
 public:
  // Runs go to dir/<file_prefix><n>.sst, written with `options` (the DB's own: its table format,
  // filters and compression).
  IndexRunSorter(rocksdb::Options options, std::string dir, std::string file_prefix,
                 uint64_t run_bytes);
  ~IndexRunSorter();  // waits for a run being written
  IndexRunSorter(const IndexRunSorter&) = delete;
  IndexRunSorter& operator=(const IndexRunSorter&) = delete;

  Status Add(std::string_view key, std::string_view value);
  // Writes the last run and waits for every run to be on file (fsynced).
  Status Finish();
  // The finished runs, in the order written.
  const std::vector<std::string>& files() const { return files_; }
  int64_t entries() const { return entries_; }

 private:
  struct Run {
    std::string arena;  // key, then value, per entry
    struct Slot {
      uint64_t offset;
      uint32_t key_size;
      uint32_t value_size;
    };
    std::vector<Slot> slots;
  };
  Status Spill();
  static Status WriteRun(const rocksdb::Options& options, const std::string& path, Run* run);

  rocksdb::Options options_;
  const std::string dir_;
  const std::string file_prefix_;
  const uint64_t run_bytes_;
  Run filling_;
  Run writing_;                  // owned by the pending write until it completes
  std::future<Status> pending_;  // the run being written, if any
  std::vector<std::string> files_;
  int64_t entries_ = 0;
};

}  // namespace tideline::storage
