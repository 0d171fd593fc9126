#pragma once
// BulkLoader: fills a new table in one step, outside the commit path. For restores, and for
// imports, index backfills and backup restores to come.
//
// Items go, in key order, into SST files built beside the database (RocksDB's SstFileWriter);
// Finish() ingests them all at once (IngestExternalFile, one atomic version edit) and adds the
// table's statistics. No item passes through the memtable, the WAL or the commit lock, so a load
// costs one sequential write of its data, does not leave flushes and compactions behind it, and
// does not stall the writes of other tables; the files usually land in the bottom level, since
// the new table's key range overlaps nothing.
//
// The target's secondary indexes (all but DELETING ones) are filled in the same ingest: each
// item's entries are computed as the commit path computes them (index_maintenance.h).
//
// The rules of use:
//   * the target is a table just created whose items nobody reads or writes until the load has
//     finished (a restore keeps it CREATING): the loader writes its latest slots and nothing
//     checks for existing versions;
//   * user keys come in strictly ascending order (a cursor over a table of the same key schema
//     yields that order: the target's keys differ from the source's only in the table prefix);
//   * every item gets one commit timestamp, taken when the loader starts;
//   * ingested files are fsynced and the ingest is recorded in the (synced) MANIFEST before
//     Finish() returns: once it has, the items survive a crash. Before that, nothing of the
//     load is in the database; a loader destroyed unfinished removes its files, and Storage::Open
//     removes the files a crash left behind (RemoveBulkLoadLeftovers).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/index_run_sorter.h"
#include "storage/storage.h"

namespace tideline::storage {

struct BulkLoadOptions {
  // A new SST file is started once the current one holds this many bytes of keys and values, so
  // that a load needs the memory of one file's index and filter whatever its size.
  uint64_t max_file_bytes = 128ull << 20;
  // Index entries do not come in key order: they are sorted into runs of this many bytes
  // (IndexRunSorter), which Finish ingests with the items in one call. Twice this is the memory
  // a load into an indexed table needs beyond the item files' (one run fills while the previous
  // one is written).
  uint64_t index_run_bytes = 32ull << 20;
};

class BulkLoader {
 public:
  // Prepares a load into `target` (its id must stay live until Finish()).
  static Status Start(Storage& storage, const TableMeta& target, const BulkLoadOptions& options,
                      std::unique_ptr<BulkLoader>* out);
  ~BulkLoader();  // removes the files of a load that did not finish
  BulkLoader(const BulkLoader&) = delete;
  BulkLoader& operator=(const BulkLoader&) = delete;

  // Adds one item; user_key must sort after the previous one (InvalidArgument otherwise).
  Status Add(std::string_view user_key, std::string_view item_json, size_t item_size);
  // Ingests every item added, atomically; NotFound when the table was deleted meanwhile. On any
  // error nothing of the load is in the database.
  Status Finish();

  uint64_t commit_ts() const { return commit_ts_; }
  int64_t items() const { return items_; }
  int files() const { return static_cast<int>(files_.size()); }

 private:
  struct Writer;
  BulkLoader(Storage::Impl* impl, uint64_t table_id, uint64_t commit_ts, std::string dir,
             const BulkLoadOptions& options);
  Status CloseFile();
  void RemoveFiles();

  Storage::Impl* impl_;
  const uint64_t table_id_;
  const uint64_t commit_ts_;
  const std::string dir_;  // where this load's files are built
  const BulkLoadOptions options_;
  std::unique_ptr<Writer> writer_;  // the file being written, if any
  std::vector<std::string> files_;  // finished files, in key order
  std::string last_key_;
  uint64_t file_bytes_ = 0;
  int64_t items_ = 0;
  int64_t size_bytes_ = 0;
  bool finished_ = false;
  // Secondary indexes of the target.
  std::shared_ptr<const TableMeta> target_;
  std::vector<const IndexMeta*> indexes_;
  std::unique_ptr<IndexRunSorter> index_runs_;                   // their entries, sorted into runs
  std::map<uint32_t, std::pair<int64_t, int64_t>> index_stats_;  // id -> entries, bytes
};

// The directory under data_dir where loads build their files.
std::string BulkLoadDir(const std::string& data_dir);
// Removes the files of loads a crash cut short. Storage::Open calls it before any load starts.
void RemoveBulkLoadLeftovers(const std::string& data_dir);

}  // namespace tideline::storage
