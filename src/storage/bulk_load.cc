#include "storage/bulk_load.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <filesystem>

#include "storage/index_maintenance.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

struct BulkLoader::Writer {
  explicit Writer(const rocksdb::Options& options) : sst(rocksdb::EnvOptions(options), options) {}
  rocksdb::SstFileWriter sst;
};

std::string BulkLoadDir(const std::string& data_dir) { return data_dir + "/bulk-load"; }

void RemoveBulkLoadLeftovers(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::remove_all(BulkLoadDir(data_dir), ec);
}

Status BulkLoader::Start(Storage& storage, const TableMeta& target, const BulkLoadOptions& options,
                         std::unique_ptr<BulkLoader>* out) {
  Storage::Impl* impl = storage.impl_.get();
  if (!impl->TableLive(target.id)) return Status::NotFound("table " + target.name);
  // A full disk or a storage error refuses a bulk load as it refuses any write (write_gate.h).
  if (Status s = impl->gate.Check(); !s.ok()) return s;
  uint64_t ts = 0;
  {
    // One timestamp for the whole load, in commit order with everything else.
    CommitLock lock(&impl->write_mu);
    if (Status s = impl->NextCommitTs(&ts); !s.ok()) return s;
  }
  const std::string dir = BulkLoadDir(impl->options.data_dir) + "/" + std::to_string(target.id);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  out->reset(new BulkLoader(impl, target.id, ts, dir, options));
  (*out)->target_ = std::make_shared<const TableMeta>(target);
  (*out)->indexes_ = MaintainedIndexes(*(*out)->target_);
  return Status::OK();
}

BulkLoader::BulkLoader(Storage::Impl* impl, uint64_t table_id, uint64_t commit_ts, std::string dir,
                       const BulkLoadOptions& options)
    : impl_(impl),
      table_id_(table_id),
      commit_ts_(commit_ts),
      dir_(std::move(dir)),
      options_(options) {}

BulkLoader::~BulkLoader() {
  writer_.reset();
  index_runs_.reset();  // waits for a run being written
  if (!finished_) RemoveFiles();
}

void BulkLoader::RemoveFiles() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status BulkLoader::Add(std::string_view user_key, std::string_view item_json, size_t item_size) {
  if (finished_) return Status::InvalidArgument("bulk load already finished");
  if (items_ > 0 && user_key <= std::string_view(last_key_)) {
    return Status::InvalidArgument("bulk load keys out of order");
  }
  if (!writer_) {
    // The DB's own options: the files get its table format, bloom filters and prefix extractor.
    rocksdb::Options options = impl_->db->GetOptions();
    // The files are written with the bottommost level's ZSTD, which costs more than building
    // them: a second thread compresses blocks while this one adds keys (a load runs when the
    // work that fed it is done, so the core is there), at ZSTD's fastest level, which made files
    // of the same size as the default level 3 on bench/import_bench.py's items.
    options.compression_opts.parallel_threads = 2;
    options.compression_opts.level = 1;
    writer_ = std::make_unique<Writer>(options);
    const std::string path = dir_ + "/" + std::to_string(files_.size()) + ".sst";
    if (Status s = FromRocks(writer_->sst.Open(path)); !s.ok()) {
      writer_.reset();
      return s;
    }
    files_.push_back(path);
    file_bytes_ = 0;
  }
  // The latest slot, as Storage::Write stores a put (key_layout.h). User keys are prefix-free, so
  // appending the slot suffix keeps their order.
  const std::string key = layout::LatestKey(table_id_, user_key);
  std::string value;
  value.reserve(layout::kTsSize + 6 + item_json.size());
  layout::PutU64BE(&value, commit_ts_);
  layout::AppendPutVersion(&value, item_json, item_size);
  if (Status s = FromRocks(writer_->sst.Put(key, value)); !s.ok()) return s;
  if (!indexes_.empty()) {
    std::vector<IndexEntry> entries;
    if (Status s = EntriesOfItem(*target_, indexes_, item_json, item_size, &entries); !s.ok()) {
      return s;
    }
    if (!index_runs_) {
      index_runs_ = std::make_unique<IndexRunSorter>(impl_->db->GetOptions(), dir_, "index-",
                                                     options_.index_run_bytes);
    }
    for (const IndexEntry& e : entries) {
      Status s =
          index_runs_->Add(layout::IndexEntryKey(table_id_, e.index_id, e.index_key, user_key),
                           layout::IndexEntryValue(commit_ts_, e.index_key.size(), e.json, e.size));
      if (!s.ok()) return s;
      auto& [count, bytes] = index_stats_[e.index_id];
      count += 1;
      bytes += static_cast<int64_t>(e.size);
    }
  }
  last_key_.assign(user_key);
  ++items_;
  size_bytes_ += static_cast<int64_t>(item_size);
  file_bytes_ += key.size() + value.size();
  if (file_bytes_ >= options_.max_file_bytes) return CloseFile();
  return Status::OK();
}

Status BulkLoader::CloseFile() {
  if (!writer_) return Status::OK();
  // Finish fsyncs the file (SstFileWriter syncs before closing).
  Status s = FromRocks(writer_->sst.Finish());
  writer_.reset();
  return s;
}

Status BulkLoader::Finish() {
  if (finished_) return Status::InvalidArgument("bulk load already finished");
  if (Status s = CloseFile(); !s.ok()) return s;
  if (index_runs_) {
    if (Status s = index_runs_->Finish(); !s.ok()) return s;
    files_.insert(files_.end(), index_runs_->files().begin(), index_runs_->files().end());
  }
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;           // hard links: no copy of the data
  ingest.write_global_seqno = false;  // no rewrite of the files (recommended for new users)
  ingest.allow_blocking_flush = true;
  // An ingest is durable at once, so what it relies on must be on file before it: the target's
  // catalog entry (or a crash could hand its id, and these keys, to another table) and the
  // clock lease that covers the load's timestamp. Outside the commit lock: no commit waits on
  // this fsync.
  if (Status s = impl_->SyncWal(/*fsync=*/true); !s.ok()) return s;
  std::shared_ptr<LiveTable> table;
  {
    // Under the commit lock, so that a DeleteTable (which takes it) either precedes the ingest
    // and is seen here, or follows it and removes the ingested keys with the table's range.
    // The files are already written and synced: the lock is held for the ingest's metadata
    // work (links, one MANIFEST write), not for the data.
    CommitLock lock(&impl_->write_mu);
    table = impl_->LiveFor(table_id_);
    if (!table) return Status::NotFound("table " + std::to_string(table_id_) + " was deleted");
    if (Status s = impl_->gate.Check(); !s.ok()) return s;
    if (!files_.empty()) {
      if (Status s = FromRocks(impl_->db->IngestExternalFile(files_, ingest)); !s.ok()) return s;
    }
    table->item_count += items_;
    table->size_bytes += size_bytes_;
    for (const auto& [index_id, stats] : index_stats_) {
      const auto& indexes = impl_->CommitCatalog(*table).indexes;
      auto live_index = indexes.find(index_id);
      if (live_index == indexes.end()) continue;
      live_index->second->item_count += stats.first;
      live_index->second->size_bytes += stats.second;
    }
  }
  impl_->stats_dirty.store(true, std::memory_order_relaxed);
  finished_ = true;
  RemoveFiles();  // the moved files' original links, if any are left
  return Status::OK();
}

}  // namespace tideline::storage
