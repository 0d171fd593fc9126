#include "storage/storage.h"

#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <random>

#include "common/clock.h"
#include "storage/bulk_load.h"
#include "storage/catalog_log.h"
#include "storage/fault_injection_fs.h"
#include "storage/index_jobs.h"
#include "storage/index_maintenance.h"
#include "storage/info_log.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

namespace {

// The prefix of an item version key without its timestamp: every version of one item shares it.
// With it, a point read's Seek consults memtable and SST prefix bloom filters, so writing a new
// item (whose old version must be looked up for the table statistics) rarely touches data.
class ItemPrefixTransform : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "tideline.ItemPrefix.v1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - layout::kTsSize);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return key.size() > layout::kTablePrefixSize + layout::kTsSize && key[0] == layout::kItem;
  }
};

// Stamps a new data directory with the item key-space format, and refuses one written in
// another format rather than misreading its items.
Status CheckFormat(Storage::Impl* impl) {
  rocksdb::DB* db = impl->db.get();
  const std::string key(1, layout::kFormat);
  std::string v;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), key, &v);
  if (s.ok()) {
    if (v.size() == 8 && layout::GetU64BE(v.data()) == layout::kFormatVersion) return Status::OK();
    return Status::Corruption("the data directory holds an unsupported storage format");
  }
  if (!s.IsNotFound()) return FromRocks(s);
  std::string any;
  if (db->Get(rocksdb::ReadOptions(), std::string(1, layout::kNextTableId), &any).ok()) {
    return Status::Corruption(
        "the data directory was written by an older Tideline storage format; start with an empty "
        "--data-dir");
  }
  layout::PutU64BE(&v, layout::kFormatVersion);
  rocksdb::WriteBatch batch;
  batch.Put(key, v);
  if (Status as = impl->Apply(&batch); !as.ok()) return as;
  return impl->SyncWal(/*fsync=*/true);
}

// Open's error when the disk is full: what to do, without RocksDB's text.
Status DiskFullAtOpen(const std::string& data_dir, const rocksdb::Status& s) {
  const uint64_t free = FreeBytes(data_dir);
  return Status::IOError("the disk holding the data directory is full (" +
                         std::to_string(free >> 20) + " MiB free): free some space and start " +
                         "again (" + s.ToString() + ")");
}

// Open: loads the catalog and the table statistics into memory. Nothing else runs yet; the locks
// are taken because the state is guarded by them.
Status LoadCatalog(Storage::Impl* impl, bool* has_tables) {
  rocksdb::DB* db = impl->db.get();
  CommitLock commit(&impl->write_mu);
  common::WriterLock catalog(&impl->catalog_mu);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(TotalOrderReadOptions()));
  for (it->Seek(std::string(1, layout::kCatalog));
       it->Valid() && it->key().starts_with(rocksdb::Slice(&layout::kCatalog, 1)); it->Next()) {
    auto meta = std::make_shared<TableMeta>();
    if (!ParseTableMeta(it->value().ToStringView(), meta.get())) {
      return Status::Corruption("bad catalog entry " + it->key().ToString());
    }
    auto table_live = std::make_shared<LiveTable>();
    std::string sv;
    if (db->Get(rocksdb::ReadOptions(), layout::StatsKey(meta->id), &sv).ok() && sv.size() == 16) {
      table_live->item_count = static_cast<int64_t>(layout::GetU64BE(sv.data()));
      table_live->size_bytes = static_cast<int64_t>(layout::GetU64BE(sv.data() + 8));
    }
    table_live->pitr_enabled = meta->pitr_enabled;
    const uint64_t table_id = meta->id;
    impl->live[table_id] = table_live;
    impl->InstallMeta(std::move(meta));
    for (auto& [index_id, ix] : impl->MutableCatalog(*table_live).indexes) {
      if (db->Get(rocksdb::ReadOptions(), layout::IndexStatsKey(table_id, index_id), &sv).ok() &&
          sv.size() == 16) {
        ix->item_count = static_cast<int64_t>(layout::GetU64BE(sv.data()));
        ix->size_bytes = static_cast<int64_t>(layout::GetU64BE(sv.data() + 8));
      }
      const IndexMeta* index = FindIndexById(*impl->Catalog(*table_live).meta, index_id);
      if (index && index->status == "CREATING") {
        // A backfill starts again from its first step, which adds the entries it ingests to
        // the commit path's: count only those (index_backfill.cc).
        Status rs =
            impl->RecountIndexStats(table_id, index_id, ix.get(), index->maintained_since_ts);
        if (!rs.ok()) return rs;
      }
    }
  }
  if (!it->status().ok()) return FromRocks(it->status());
  std::string v;
  if (db->Get(rocksdb::ReadOptions(), std::string(1, layout::kNextTableId), &v).ok() &&
      v.size() == 8) {
    impl->next_table_id = layout::GetU64BE(v.data());
  }
  *has_tables = !impl->tables.empty();
  return Status::OK();
}

}  // namespace

void DisablePerfCountersOnThisThread() {
  // RocksDB counts into a thread-local perf context by default; nothing here reads it.
  thread_local bool done = false;
  if (!done) {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    done = true;
  }
}

rocksdb::ReadOptions TotalOrderReadOptions() {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  return ro;
}

uint64_t WallClockMicros() { return static_cast<uint64_t>(NowMicros()); }

Status Storage::Impl::ExtendLease() {
  const uint64_t lease = clock.LeaseFor(WallClockMicros());
  return lease == 0 ? Status::OK() : StoreLease(lease);
}

Status Storage::Impl::NextCommitTs(uint64_t* ts) {
  uint64_t lease = 0;
  *ts = clock.Next(WallClockMicros(), &lease);
  // The timestamp passes the clock's lease: store the new one before anything uses it.
  return lease == 0 ? Status::OK() : StoreLease(lease);
}

void AppendLease(rocksdb::WriteBatch* batch, uint64_t lease) {
  std::string v;
  layout::PutU64BE(&v, lease);
  batch->Put(std::string(1, layout::kClock), v);
}

Status Storage::Impl::StoreLease(uint64_t lease) {
  rocksdb::WriteBatch batch;
  AppendLease(&batch, lease);
  Status s = Apply(&batch);
  if (s.ok()) clock.LeaseStored(lease);
  return s;
}

std::shared_ptr<LiveTable> Storage::Impl::LiveFor(uint64_t table_id) const {
  common::ReaderLock lock(&catalog_mu);
  auto it = live.find(table_id);
  return it == live.end() ? nullptr : it->second;
}

bool Storage::Impl::TableLive(uint64_t table_id) const {
  common::ReaderLock lock(&catalog_mu);
  return live.count(table_id) > 0;
}

std::shared_ptr<const CutMap> Storage::Impl::ComputeCuts() const {
  auto cuts = std::make_shared<CutMap>();
  const uint64_t now = clock.last();
  {
    common::ReaderLock lock(&catalog_mu);
    for (const auto& [name, t] : tables) {
      uint64_t cut = now;
      if (t->pitr_enabled) {
        const uint64_t window = static_cast<uint64_t>(t->recovery_days) * 86400ull * 1000000ull;
        cut = std::max(t->pitr_since_us, now > window ? now - window : 0);
      }
      (*cuts)[t->id].cut = cut;
    }
  }
  common::MutexLock lock(&pins_mu);
  // A deleted table that pins retain takes no writes: only the versions they read matter.
  for (uint64_t table_id : retained) (*cuts)[table_id].cut = now;
  auto add_pin = [&](uint64_t table_id, uint64_t ts) {
    if (auto it = cuts->find(table_id); it != cuts->end()) it->second.pins.push_back(ts);
  };
  for (const auto& [table_id, ts] : pins) add_pin(table_id, ts);
  for (const auto& [name, snapshot] : snapshots) add_pin(snapshot->table.id, snapshot->ts);
  for (auto& [table_id, cut] : *cuts) std::sort(cut.pins.begin(), cut.pins.end());
  return cuts;
}

Status Storage::Impl::ReadLatestSlot(uint64_t table_id, std::string_view user_key,
                                     StoredVersion* out, const rocksdb::Snapshot* snapshot) const {
  DisablePerfCountersOnThisThread();
  out->present = false;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db->Get(ro, db->DefaultColumnFamily(), layout::LatestKey(table_id, user_key), &value);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return FromRocks(s);
  std::string_view version;
  if (!layout::Unstamp(value.ToStringView(), &out->ts, &version)) {
    return Status::Corruption("bad latest slot of an item in table " + std::to_string(table_id));
  }
  out->version.assign(version);
  out->present = true;
  return Status::OK();
}

Status Storage::Impl::ReadAsOf(uint64_t table_id, std::string_view user_key, uint64_t as_of,
                               StoredVersion* out) const {
  Status s = ReadLatestSlot(table_id, user_key, out);
  if (!s.ok() || !out->present || out->ts <= as_of) return s;
  // The latest version is newer than as_of: the one visible then, if any, is in the history.
  out->present = false;
  std::string start = layout::ItemKey(table_id, user_key, as_of);
  // Every entry of the key lies below prefix + 0xff*8; nothing past it concerns us.
  std::string end = layout::ItemKey(table_id, user_key, 0);
  end.push_back('\0');
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  ro.prefix_same_as_start = true;  // one item: the prefix bloom filters apply
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  it->Seek(start);
  if (!it->Valid()) return FromRocks(it->status());
  // Within the bounds every key is a history entry of this item committed at or before as_of;
  // the newest one is visible at as_of unless it was superseded by then.
  uint64_t superseded = 0;
  std::string_view version;
  if (!layout::Unstamp(it->value().ToStringView(), &superseded, &version)) {
    return Status::Corruption("bad history entry of an item in table " + std::to_string(table_id));
  }
  if (superseded <= as_of) return Status::OK();
  out->present = true;
  out->ts = layout::HistoryKeyTs(it->key().ToStringView());
  out->version.assign(version);
  return Status::OK();
}

Storage::HistoryPin::~HistoryPin() {
  if (auto table_live = impl_->LiveFor(table_id_)) --table_live->pins;
  bool retained = false;
  {
    common::MutexLock lock(&impl_->pins_mu);
    auto range = impl_->pins.equal_range(table_id_);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second == ts_) {
        impl_->pins.erase(it);
        break;
      }
    }
    retained = impl_->retained.count(table_id_) > 0;
  }
  if (!retained) return;
  // The last reader of a deleted table may be this one (a restore from a backup deleted while
  // it ran): its items go now. If that fails, the next start removes them.
  CommitLock wlock(&impl_->write_mu);
  if (Status s = impl_->PurgeIfUnpinned(table_id_); !s.ok()) {
    spdlog::warn("cannot remove the items of deleted table {} yet: {}", table_id_, s.ToString());
  }
}

Storage::Storage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Status Storage::Impl::Apply(rocksdb::WriteBatch* batch) {
  common::MutexLock io(&wal_io_mu);
  if (Status refused = gate.Check(); !refused.ok()) return refused;
  wal_begun.fetch_add(1);
  rocksdb::Status s = db->Write(write_options, batch);
  if (!s.ok()) {
    // Not in the memtable (RocksDB inserts a batch only after its WAL record): nobody can have
    // read it, so it is uncounted rather than left to make every reader flush.
    wal_begun.fetch_sub(1);
    // The gate closes before wal_io_mu is released: no other write reaches RocksDB after this.
    return gate.WriteFailed(s);
  }
  wal_appended.fetch_add(1);
  return Status::OK();
}

Status Storage::Impl::SyncWal(bool fsync) {
  common::MutexLock lock(&wal_mu);
  // Nothing begun since the last flush: a session whose write an earlier flush of this loop
  // iteration already covered gets here and costs no system call.
  if (wal_flushed.load() >= wal_begun.load()) return Status::OK();
  common::MutexLock io(&wal_io_mu);
  // After a WAL write error RocksDB's WAL writer may be the failed one, which must not be
  // touched (write_gate.h); the writes not on file yet are not durable, so the caller must not
  // answer. Otherwise (a failed flush or compaction, or low free space) the WAL is healthy and
  // takes the writes made before the gate closed, and readers need not wait for recovery.
  if (gate.flags() & (WriteGate::kWalSuspect | WriteGate::kBroken)) return gate.Check();
  const uint64_t upto = wal_appended.load();  // before the flush: these are in the buffer
  rocksdb::Status s = db->FlushWAL(fsync);
  if (!s.ok()) return gate.WriteFailed(s);
  wal_flushed.store(upto);
  return Status::OK();
}

DurablePoint Storage::Fence() const { return DurablePoint{impl_->wal_begun.load()}; }

bool Storage::IsDurable(DurablePoint point) const {
  return impl_->wal_flushed.load() >= point.writes;
}

void Storage::WhenDurable(DurablePoint point, std::function<void(Status)> done) {
  if (IsDurable(point)) return done(Status::OK());
  if (impl_->syncer) return impl_->syncer->Enqueue(std::move(done));
  done(impl_->SyncWal(/*fsync=*/false));
}

Status Storage::WaitDurable(DurablePoint point) {
  if (IsDurable(point)) return Status::OK();
  if (!impl_->syncer) return impl_->SyncWal(/*fsync=*/false);
  // Joins the wal-sync thread's next group rather than fsyncing alone.
  struct Waiter {
    common::Mutex mu;
    common::CondVar done;
    std::optional<Status> status GUARDED_BY(mu);
  };
  auto waiter = std::make_shared<Waiter>();
  impl_->syncer->Enqueue([waiter](Status s) {
    common::MutexLock lock(&waiter->mu);
    waiter->status = std::move(s);
    waiter->done.Signal();
  });
  common::MutexLock lock(&waiter->mu);
  while (!waiter->status) waiter->done.Wait(&waiter->mu);
  return *waiter->status;
}

Status Storage::Impl::PersistStats() {
  rocksdb::WriteBatch batch;
  {
    common::ReaderLock lock(&catalog_mu);
    stats_dirty.store(false);
    for (const auto& [id, st] : live) {
      std::string v;
      layout::PutU64BE(&v, static_cast<uint64_t>(st->item_count.load()));
      layout::PutU64BE(&v, static_cast<uint64_t>(st->size_bytes.load()));
      batch.Put(layout::StatsKey(id), v);
      for (const auto& [index_id, ix] : Catalog(*st).indexes) {
        std::string iv;
        layout::PutU64BE(&iv, static_cast<uint64_t>(ix->item_count.load()));
        layout::PutU64BE(&iv, static_cast<uint64_t>(ix->size_bytes.load()));
        batch.Put(layout::IndexStatsKey(id, index_id), iv);
      }
    }
  }
  // Left for the next write-out: nothing outside relies on it (after a crash Open recounts).
  Status s = Apply(&batch);
  if (!s.ok()) stats_dirty.store(true);  // refused (a full disk): again once writes are taken
  return s;
}

Status Storage::Impl::RecountStats() {
  // What to count, taken under the lock; the counting (a scan of every table) runs without it.
  struct Counted {
    uint64_t id;
    std::shared_ptr<LiveTable> st;
    std::map<uint32_t, std::shared_ptr<LiveIndex>> indexes;
    std::shared_ptr<const TableMeta> meta;
  };
  std::vector<Counted> todo;
  {
    common::ReaderLock lock(&catalog_mu);
    for (const auto& [id, st] : live) {
      todo.push_back({id, st, Catalog(*st).indexes, Catalog(*st).meta});
    }
  }
  for (const auto& [id, st, indexes, meta] : todo) {
    int64_t count = 0, bytes = 0;
    auto cursor = NewMvccCursor(db.get(), id, ~0ull, "", "", false, /*bulk=*/true);
    for (; cursor->Valid(); cursor->Next()) {
      ++count;
      bytes += static_cast<int64_t>(cursor->item_size());
    }
    Status s = cursor->status();
    if (!s.ok()) return s;
    st->item_count = count;
    st->size_bytes = bytes;
    const TableMeta* table = meta.get();
    for (const auto& [index_id, ix] : indexes) {
      const IndexMeta* index = table ? FindIndexById(*table, index_id) : nullptr;
      const uint64_t above_ts =
          index && index->status == "CREATING" ? index->maintained_since_ts : 0;
      if (Status is = RecountIndexStats(id, index_id, ix.get(), above_ts); !is.ok()) return is;
    }
  }
  return PersistStats();
}

Storage::~Storage() {
  if (impl_ && impl_->db) {
    impl_->StopIndexJobs();  // before anything they use goes
    {
      common::MutexLock lock(&impl_->flusher_mu);
      impl_->stopping = true;
    }
    impl_->flusher_cv.SignalAll();
    if (impl_->stats_flusher.joinable()) impl_->stats_flusher.join();
    {
      common::MutexLock lock(&impl_->recovery_mu);
      impl_->recovery_stopping = true;
    }
    impl_->recovery_cv.SignalAll();
    if (impl_->recovery.joinable()) impl_->recovery.join();
    impl_->syncer.reset();  // answers its waiters first
    // While the gate is closed these are refused, and the next start recounts the statistics.
    (void)impl_->PersistStats();
    rocksdb::WriteBatch batch;
    batch.Put(std::string(1, layout::kCleanShutdown), "");
    std::string v;
    layout::PutU64BE(&v, impl_->clock.last());  // nothing beyond it was used
    batch.Put(std::string(1, layout::kClock), v);
    if (impl_->Apply(&batch).ok()) (void)impl_->SyncWal(/*fsync=*/true);
    impl_->db->Close().PermitUncheckedError();
  }
}

Status Storage::Open(const StorageOptions& options, std::unique_ptr<Storage>* out) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec)
    return Status::IOError("cannot create data dir " + options.data_dir + ": " + ec.message());
  if (Status ls = DataDirLock::Acquire(options.data_dir, &impl->dir_lock); !ls.ok()) return ls;
  RemoveBulkLoadLeftovers(options.data_dir);  // files of loads that a crash cut short

  // The space held in reserve (disk_reserve.h). On a full disk, release it now so that RocksDB
  // has room to open; writes are then refused until the disk has room again.
  impl->reserve =
      std::make_unique<DiskReserve>(options.data_dir + "/disk-reserve", options.reserve_bytes);
  impl->disk_floor = options.reserve_bytes / 4;
  bool start_low = false;  // writes are refused from the start (after Open's own writes)
  if (options.reserve_bytes > 0) {
    const uint64_t free = FreeBytes(options.data_dir);
    if (impl->reserve->Present() && free < impl->disk_floor) {
      impl->reserve->Release();
      spdlog::warn(
          "the disk holding {} is full ({} MiB free): released the {} MiB reserve to "
          "start; writes are refused until space is freed",
          options.data_dir, free >> 20, options.reserve_bytes >> 20);
      start_low = true;
    } else if (!impl->reserve->Present() &&
               (free < options.reserve_bytes + 2 * impl->disk_floor || !impl->reserve->Create())) {
      spdlog::warn(
          "cannot keep {} MiB in reserve in {} ({} MiB free): writes are refused "
          "until the disk has room for it",
          options.reserve_bytes >> 20, options.data_dir, free >> 20);
      start_low = true;
    }
  }

  std::unique_ptr<rocksdb::Env> fault_env;  // --testing-fault-file only
  rocksdb::Options ro;
  ro.create_if_missing = true;
  ro.IncreaseParallelism(2);
  ro.max_background_jobs = 2;
  // Small memtables keep the skiplist that every write inserts into (and every point read
  // seeks) cache-friendly: measured ~5% more PutItem/s than 32 MB on the benchmark.
  ro.write_buffer_size = 8 << 20;
  ro.max_write_buffer_number = 3;
  ro.compression = rocksdb::kLZ4Compression;
  ro.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(64 << 20);
  // Index and filter blocks stay with their open table files rather than in the block cache: a
  // long scan would otherwise evict them, and every point read would then read and checksum a
  // whole filter block again (a restore that wrote while scanning fell from 300k to 6k items/s).
  // They are small: ~1.3 MB of filter per million items at 10 bits a key.
  table.cache_index_and_filter_blocks = false;
  table.block_size = 16 << 10;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = false;  // point reads are prefix seeks
  ro.prefix_extractor = std::make_shared<ItemPrefixTransform>();
  ro.memtable_prefix_bloom_size_ratio = 0.05;
  ro.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  Impl* raw = impl.get();
  ro.compaction_filter_factory = NewHistoryCollectorFactory([raw] { return raw->ComputeCuts(); });
  // Writes leave their WAL record in memory; SyncWal writes out all of them at once (see
  // storage.h: a write is durable at the next write-out, which WhenDurable/WaitDurable await).
  ro.manual_wal_flush = true;
  // A WAL record is written to the file only by SyncWal, never in the middle of a write: the
  // buffer may grow to hold the largest batch (a restore commits up to 256 items of 400 KB).
  // So a WAL file that holds any record also has its writes in the memtable, and recovery's
  // memtable flush always moves past a WAL file a failed write left behind (recovery.cc).
  ro.writable_file_max_buffer_size = 256 << 20;
  ro.max_open_files = options.max_open_files;
  // RocksDB's own info log aborts on the write after a failed one (info_log.h).
  std::filesystem::create_directories(options.data_dir + "/rocksdb", ec);
  ro.info_log = NewInfoLog(options.data_dir + "/rocksdb/LOG");
  // Write errors: the gate refuses writes, the recovery thread resumes (write_gate.h).
  ro.listeners.push_back(impl->gate.NewListener());
  if (!options.testing_fault_file.empty()) {
    fault_env = rocksdb::NewCompositeEnv(
        NewFaultInjectionFileSystem(rocksdb::FileSystem::Default(), options.testing_fault_file));
    ro.env = fault_env.get();
  }

  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(ro, options.data_dir + "/rocksdb", &db);
  if (!s.ok() && s.IsInvalidArgument()) {
    // Compression libraries missing from this RocksDB build: fall back to none.
    ro.compression = rocksdb::kNoCompression;
    ro.bottommost_compression = rocksdb::kNoCompression;
    s = rocksdb::DB::Open(ro, options.data_dir + "/rocksdb", &db);
  }
  if (!s.ok() && (s.IsNoSpace() || FreeBytes(options.data_dir) < (1u << 20))) {
    return DiskFullAtOpen(options.data_dir, s);
  }
  if (!s.ok()) return FromRocks(s);
  impl->db.reset(db);
  impl->fault_env = std::move(fault_env);
  if (Status fs = CheckFormat(impl.get()); !fs.ok()) return fs;

  bool has_tables = false;
  if (Status ls = LoadCatalog(impl.get(), &has_tables); !ls.ok()) return ls;
  if (Status ss = impl->LoadSnapshots(); !ss.ok()) return ss;
  std::string v;
  // The clock starts at the stored lease (or the last timestamp of a clean shutdown): never
  // below a timestamp used before, even after a crash and a wall clock stepped back.
  if (db->Get(rocksdb::ReadOptions(), std::string(1, layout::kClock), &v).ok() && v.size() == 8) {
    impl->clock.Start(layout::GetU64BE(v.data()));
  }
  // After a crash the persisted statistics may lag the items: count them again. (If they cannot
  // be stored now, the background thread stores them once writes are taken again.)
  const bool clean =
      db->Get(rocksdb::ReadOptions(), std::string(1, layout::kCleanShutdown), &v).ok();
  if (!clean && has_tables) {
    Status rs = impl->RecountStats();
    if (rs.IsUnavailable()) {
      impl->stats_dirty = true;
    } else if (!rs.ok()) {
      return rs;
    }
  }
  // Fsynced whatever --sync says: a marker that outlived a power loss would skip the recount.
  // The clock's first lease goes with it, before any timestamp is handed out.
  rocksdb::WriteBatch unmark;
  unmark.Delete(std::string(1, layout::kCleanShutdown));
  const uint64_t lease = impl->clock.LeaseFor(WallClockMicros());
  if (lease != 0) {
    std::string lv;
    layout::PutU64BE(&lv, lease);
    unmark.Put(std::string(1, layout::kClock), lv);
  }
  Status us = impl->Apply(&unmark);
  if (us.ok()) us = impl->SyncWal(/*fsync=*/true);
  if (!us.ok() && (impl->gate.flags() & WriteGate::kNoSpace)) {
    return DiskFullAtOpen(options.data_dir, rocksdb::Status::NoSpace());
  }
  if (!us.ok()) return us;
  impl->clock.LeaseStored(lease);
  if (start_low) impl->gate.Set(WriteGate::kDiskLow);
  if (options.sync_writes) {
    impl->syncer = std::make_unique<WalSyncer>([raw] { return raw->SyncWal(/*fsync=*/true); });
  }
  impl->stats_flusher = std::thread([raw] {
    for (;;) {
      {
        common::MutexLock lock(&raw->flusher_mu);
        if (!raw->stopping) raw->flusher_cv.WaitFor(&raw->flusher_mu, std::chrono::seconds(1));
        if (raw->stopping) return;
      }
      // Without flusher_mu: PersistStats takes catalog_mu and the WAL locks.
      if (raw->stats_dirty.load()) (void)raw->PersistStats();
    }
  });
  impl->recovery = std::thread([raw] { raw->RecoveryLoop(); });
  out->reset(new Storage(std::move(impl)));
  raw->ResumeIndexJobs();
  return Status::OK();
}

uint64_t Storage::Now() const {
  // Taking the write lock makes every commit that got a timestamp before now visible.
  CommitLock lock(&impl_->write_mu);
  // Past the lease, a new one goes to the WAL buffer first; whoever answers with this time
  // flushes it with the rest (storage.h). If it cannot be stored, Now() stops at the old one.
  (void)impl_->ExtendLease();
  return impl_->clock.Now(WallClockMicros());
}

std::shared_ptr<const TableMeta> Storage::FindTable(std::string_view name) const {
  common::ReaderLock lock(&impl_->catalog_mu);
  auto it = impl_->tables.find(name);
  return it == impl_->tables.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const TableMeta>> Storage::ListTables() const {
  common::ReaderLock lock(&impl_->catalog_mu);
  std::vector<std::shared_ptr<const TableMeta>> out;
  out.reserve(impl_->tables.size());
  for (const auto& [name, t] : impl_->tables) out.push_back(t);
  return out;
}

Status Storage::CreateTable(TableMeta meta, std::shared_ptr<const TableMeta>* created) {
  CatalogChangeLine line;  // written once the locks below are released
  CommitLock wlock(&impl_->write_mu);
  common::WriterLock lock(&impl_->catalog_mu);
  if (impl_->tables.count(meta.name)) return Status::AlreadyExists("table exists");
  meta.id = impl_->next_table_id++;
  for (auto& ix : meta.indexes) ix.maintained_since_ts = impl_->clock.last();
  rocksdb::WriteBatch batch;
  std::string next;
  layout::PutU64BE(&next, impl_->next_table_id);
  batch.Put(std::string(1, layout::kNextTableId), next);
  batch.Put(layout::CatalogKey(meta.name), SerializeTableMeta(meta));
  if (Status ss = impl_->StageStreamTransition(nullptr, &meta, &batch); !ss.ok()) return ss;
  std::string zero(16, '\0');
  batch.Put(layout::StatsKey(meta.id), zero);
  Status s = impl_->Apply(&batch);
  if (!s.ok()) return s;
  auto shared = std::make_shared<const TableMeta>(std::move(meta));
  auto table_live = std::make_shared<LiveTable>();
  table_live->pitr_enabled = shared->pitr_enabled;
  impl_->live[shared->id] = table_live;
  impl_->InstallMeta(shared);
  line.Set(nullptr, shared);
  if (created) *created = shared;
  return Status::OK();
}

Status Storage::UpdateTable(TableMeta meta, std::shared_ptr<const TableMeta>* updated) {
  CatalogChangeLine line;  // written once the locks below are released
  // Under the commit lock: a commit either precedes this change or sees its PITR flag.
  CommitLock wlock(&impl_->write_mu);
  common::WriterLock lock(&impl_->catalog_mu);
  auto it = impl_->tables.find(meta.name);
  if (it == impl_->tables.end() || it->second->id != meta.id) {
    return Status::NotFound("table " + meta.name);
  }
  if (meta.pitr_enabled && !it->second->pitr_enabled) {
    // History is kept from now on: the window cannot start before the last commit that did
    // not keep it.
    meta.pitr_since_us = std::max(meta.pitr_since_us, impl_->clock.last());
  }
  KeepIndexProgress(*it->second, impl_->clock.last(), &meta);
  rocksdb::WriteBatch batch;
  batch.Put(layout::CatalogKey(meta.name), SerializeTableMeta(meta));
  if (Status ss = impl_->StageStreamTransition(it->second.get(), &meta, &batch); !ss.ok()) {
    return ss;
  }
  Status s = impl_->Apply(&batch);
  if (!s.ok()) return s;
  auto shared = std::make_shared<const TableMeta>(std::move(meta));
  if (auto table_live = impl_->live.find(shared->id); table_live != impl_->live.end()) {
    table_live->second->pitr_enabled = shared->pitr_enabled;
  }
  const std::shared_ptr<const TableMeta> before = it->second;
  impl_->InstallMeta(shared);
  line.Set(before, shared);
  if (updated) *updated = shared;
  return Status::OK();
}

Status Storage::DeleteTable(std::string_view name) {
  CatalogChangeLine line;  // written once the locks below are released
  CommitLock wlock(&impl_->write_mu);
  common::WriterLock lock(&impl_->catalog_mu);
  auto it = impl_->tables.find(name);
  if (it == impl_->tables.end()) return Status::NotFound("table " + std::string(name));
  const uint64_t id = it->second->id;
  bool keep_items = false;
  {
    common::MutexLock pins_lock(&impl_->pins_mu);
    keep_items = impl_->PinnedLocked(id);
  }
  rocksdb::WriteBatch batch;
  batch.Delete(layout::CatalogKey(name));
  batch.Delete(layout::StatsKey(id));
  if (keep_items) {
    // A snapshot (or a reader) still reads it: the items stay until the last one lets go
    // (snapshots.cc). Table ids are never reused, so nothing else ever meets them.
    batch.Put(layout::RetainedTableKey(id), "");
  } else {
    batch.DeleteRange(layout::TablePrefix(id), layout::TableEnd(id));
  }
  // Its stream closes; the stream and its records stay readable for 24 h (TrimStreams).
  if (Status ss = impl_->StageStreamTransition(it->second.get(), nullptr, &batch); !ss.ok()) {
    return ss;
  }
  // Its indexes: entries, statistics and backfill progress.
  for (char kind : {layout::kIndex, layout::kIndexStats, layout::kBackfill}) {
    batch.DeleteRange(layout::IndexKindKey(kind, id, 0), layout::IndexKindKey(kind, id + 1, 0));
  }
  Status s = impl_->Apply(&batch);
  if (!s.ok()) return s;
  if (keep_items) {
    common::MutexLock pins_lock(&impl_->pins_mu);
    impl_->retained.insert(id);
  }
  const std::shared_ptr<const TableMeta> before = it->second;
  impl_->tables.erase(it);
  if (auto table_live = impl_->live.find(id); table_live != impl_->live.end()) {
    line.Set(before, nullptr, table_live->second->item_count.load(),
             table_live->second->size_bytes.load());
    table_live->second->dropped = true;
    impl_->live.erase(table_live);
  }
  return Status::OK();
}

TableStats Storage::Stats(uint64_t table_id) const {
  auto s = impl_->LiveFor(table_id);
  if (!s) return {};
  return {s->item_count.load(), s->size_bytes.load()};
}

Status Storage::Get(uint64_t table_id, std::string_view user_key, uint64_t as_of_us,
                    std::string* item_json, bool* found, size_t* item_size) const {
  StoredVersion v;
  Status s = impl_->ReadAsOf(table_id, user_key, as_of_us, &v);
  *found = false;
  if (item_size) *item_size = 0;
  if (!s.ok()) return s;
  std::string_view json;
  if (v.ItemJson(&json, item_size)) {
    item_json->assign(json);
    *found = true;
  }
  return Status::OK();
}

Status Storage::GetLatest(const std::vector<ItemRef>& items,
                          std::vector<std::optional<std::string>>* item_jsons,
                          std::vector<size_t>* item_sizes) const {
  // One snapshot makes the reads one instant without pinning history.
  const rocksdb::Snapshot* snapshot = impl_->db->GetSnapshot();
  item_jsons->clear();
  if (item_sizes) item_sizes->clear();
  Status status;
  for (const auto& ref : items) {
    StoredVersion v;
    status = impl_->ReadLatestSlot(ref.table_id, ref.user_key, &v, snapshot);
    if (!status.ok()) break;
    std::string_view json;
    size_t size = 0;
    if (v.ItemJson(&json, &size)) {
      item_jsons->emplace_back(std::string(json));
    } else {
      item_jsons->emplace_back(std::nullopt);
    }
    if (item_sizes) item_sizes->push_back(size);
  }
  impl_->db->ReleaseSnapshot(snapshot);
  return status;
}

Status Storage::PutMeta(std::string_view key, std::string_view value) {
  std::string k(1, layout::kMeta);
  k.append(key);
  rocksdb::WriteBatch batch;
  batch.Put(k, rocksdb::Slice(value.data(), value.size()));
  return impl_->Apply(&batch);
}

Status Storage::GetMeta(std::string_view key, std::string* value) const {
  std::string k(1, layout::kMeta);
  k.append(key);
  return FromRocks(impl_->db->Get(rocksdb::ReadOptions(), k, value));
}

Status Storage::DeleteMeta(std::string_view key) {
  std::string k(1, layout::kMeta);
  k.append(key);
  rocksdb::WriteBatch batch;
  batch.Delete(k);
  return impl_->Apply(&batch);
}

Status Storage::ScanMeta(std::string_view prefix,
                         const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::string start(1, layout::kMeta);
  start.append(prefix);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(TotalOrderReadOptions()));
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    std::string_view key = it->key().ToStringView().substr(1);
    if (!fn(key, it->value().ToStringView())) break;
  }
  return FromRocks(it->status());
}

std::shared_ptr<Storage::HistoryPin> Storage::PinHistory(uint64_t table_id, uint64_t ts) {
  // Under the commit lock: every later commit to the table keeps the versions it supersedes.
  CommitLock wlock(&impl_->write_mu);
  // LiveFor takes catalog_mu, which comes before pins_mu; under write_mu its answer holds.
  std::shared_ptr<LiveTable> table_live = impl_->LiveFor(table_id);
  common::MutexLock lock(&impl_->pins_mu);
  impl_->pins.emplace(table_id, ts);
  if (table_live) ++table_live->pins;
  return std::make_shared<HistoryPin>(impl_.get(), table_id, ts);
}

Status Storage::CompactTable(uint64_t table_id) {
  std::string begin = layout::TablePrefix(table_id), end = layout::TableEnd(table_id);
  rocksdb::Slice b(begin), e(end);
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(impl_->db->CompactRange(options, &b, &e));
}

uint64_t Storage::TEST_CountVersions(uint64_t table_id) const {
  std::string begin = layout::TablePrefix(table_id), end = layout::TableEnd(table_id);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro = TotalOrderReadOptions();
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro));
  uint64_t n = 0;
  for (it->Seek(begin); it->Valid(); it->Next()) ++n;
  return n;
}

}  // namespace tideline::storage
