#pragma once
// Storage: the only module that includes RocksDB. Multi-version items, the table catalog, a
// small metadata key space for other modules, and history retention for PITR.
//
// Every write is stamped with a commit timestamp (microseconds since the Unix epoch) from one
// monotonic clock, assigned and committed under one short commit lock, so that once Write()
// returns, every version with a timestamp <= the returned one is visible: a read "as of T" for
// any T <= Now() is stable. The read-modify-write before a commit runs under per-item locks
// only (storage/key_locks.h): writers of different items do not wait for each other. Versions are
// kept while a read at a restorable time may need them and collected by a compaction filter beyond
// that (see storage/history_gc.h).
//
// Durability: a write is visible at once and durable at the next write-out of the WAL. Writes
// leave their WAL record in a memory buffer; a write-out puts the records of every write made
// so far on file in one system call (with sync_writes also one fsync, done by the wal-sync
// thread for every waiter queued meanwhile: group commit). The rule for every module:
//
//   Nothing leaves the process (a reply, a file, an object, a manifest) before
//   WhenDurable(Fence()) or WaitDurable(Fence()) taken after the work has completed.
//
// Fence() covers every write anyone may have seen so far, so it covers reads that saw a
// not-yet-durable write as well as the caller's own writes. The HTTP Router stamps every API
// answer with it and the session awaits it before sending (src/http/router.h); background jobs
// that tell the outside world something (an export) wait on it themselves.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/key_locks.h"
#include "storage/stream_log.h"
#include "storage/table_meta.h"

namespace tideline::storage {

struct StorageOptions {
  std::string data_dir;
  bool sync_writes = false;  // a write-out also fsyncs the WAL (survives power loss, slower)
  // Space held in reserve in data_dir/disk-reserve for recovery from a full disk; writes are
  // refused while less than a quarter of it is free (docs/storage.md). 0: no reserve.
  uint64_t reserve_bytes = 64ull << 20;
  int max_open_files = -1;  // RocksDB's table files kept open; -1: all
  // Tests only: while this file exists, writes to RocksDB's files fail (fault_injection_fs.h).
  std::string testing_fault_file;
  // How long a stream's shard stays open before a child replaces it (AWS: about 4 hours). Each
  // stream keeps the value it was enabled with (StreamDescriptor::shard_rollover_us).
  uint64_t stream_shard_rollover_ms = 4ull * 3600 * 1000;
  // The size limit of an LSI item collection (item_collections.h): DynamoDB's 10 GB; tests
  // lower it (--testing-item-collection-limit).
  uint64_t item_collection_limit_bytes = 10ull << 30;
};

// A position in the stream of writes (a count of writes begun), for waiting until what a
// caller has done or seen is durable. See Storage::Fence.
struct DurablePoint {
  uint64_t writes = 0;
};

struct TableStats {
  int64_t item_count = 0;
  int64_t size_bytes = 0;
};

// Iterates the visible items of one table as of a time: for each user key in [lower, upper) the
// newest version with commit ts <= as_of, deletions skipped. Forward or reverse key order.
class ItemCursor {
 public:
  virtual ~ItemCursor() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view user_key() const = 0;
  // wire JSON of the item map; valid until the next call to Next()
  virtual std::string_view item_json() const = 0;
  virtual size_t item_size() const = 0;  // DynamoDB size of the item
  virtual uint64_t commit_ts() const = 0;
  virtual Status status() const = 0;
};

// Iterates the items of one table that changed during [from, to) of commit time: every user key
// in [lower, upper) with at least one version committed in the window, in key order, with the
// version visible just before the window (the old image) and the one visible at its end, just
// before `to` (the new image); either may be absent (the item did not exist then, or was
// deleted). An incremental export reads it. It needs the versions visible at from - 1: the
// caller holds a HistoryPin at from - 1, or the window lies inside the table's PITR window.
// It reads one RocksDB snapshot and takes no lock: writes go on meanwhile.
class ChangeCursor {
 public:
  virtual ~ChangeCursor() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view user_key() const = 0;
  virtual bool has_old() const = 0;
  virtual std::string_view old_json() const = 0;  // valid until Next()
  virtual size_t old_size() const = 0;
  virtual bool has_new() const = 0;
  virtual std::string_view new_json() const = 0;  // valid until Next()
  virtual size_t new_size() const = 0;
  // The commit ts of the item's last change inside the window.
  virtual uint64_t last_change_ts() const = 0;
  virtual Status status() const = 0;
};

// Iterates the entries of one secondary index in index-key order: [lower, upper) over index keys
// (model/index_key.h; "" upper = to the end of the index); entries with equal index keys are
// ordered by the base item's user key. Reverse reverses the whole order. Entries are the latest
// state (indexes have no history: docs/storage.md "Indexes").
class IndexCursor {
 public:
  virtual ~IndexCursor() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view index_key() const = 0;  // the index key, without the table key
  virtual std::string_view table_key() const = 0;  // the base item's user key
  // wire JSON of the projected attributes; valid until the next call to Next()
  virtual std::string_view item_json() const = 0;
  virtual size_t item_size() const = 0;  // DynamoDB size of the projected attributes
  virtual Status status() const = 0;
};

// What one committed op did to one index, for ReturnConsumedCapacity INDEXES (capacity is
// charged by the projected entry's size: spec/indexes.md §3.5). Write() reports one for every
// index in which the op's item had an entry before or has one after.
struct IndexWrite {
  size_t op = 0;  // the op's position among the Put/PutAbsent/Delete calls of the callback
  uint64_t table_id = 0;
  uint32_t index_id = 0;
  bool had_entry = false;  // an entry was replaced or removed ...
  size_t old_size = 0;     // ... of this DynamoDB size
  bool has_entry = false;  // an entry was written ...
  size_t new_size = 0;     // ... of this size
  bool same_key = false;   // both, under one index key: an overwrite in place, not a move
  bool unchanged = false;  // both, same key and same projected attributes: DynamoDB charges 0
};

class Storage;

// One item of a table.
struct ItemRef {
  uint64_t table_id;
  std::string user_key;
};

// A cursor bound that excludes `user_key` and everything before it: pass it as `lower` to
// resume a forward cursor after an ExclusiveStartKey. (To resume a reverse cursor, pass the
// user key itself as `upper`.)
std::string KeyAfter(std::string_view user_key);

// The view a Write() callback gets: read the latest versions and stage writes of the items the
// Write() named (and so locked); all staged writes commit atomically with one commit
// timestamp. If the callback throws, nothing is written and the exception propagates to the
// caller of Write(). Touching an item the Write() did not name is a programming error that
// would bypass isolation: Get returns InvalidArgument, and a Put or Delete of it makes Write()
// return InvalidArgument without committing anything.
class WriteTxn {
 public:
  // The latest version of an item (including this transaction's staged writes). item_json may
  // be null when only its existence or size matters; *item_size (optional) receives the
  // item's DynamoDB size as stored with it (0 when absent).
  Status Get(const TableMeta& table, std::string_view user_key, std::string* item_json, bool* found,
             size_t* item_size = nullptr);
  void Put(const TableMeta& table, std::string_view user_key, std::string item_json,
           size_t item_size);
  // Put of an item the caller knows is not stored (a load into a new table): the commit skips
  // reading the old version.
  void PutAbsent(const TableMeta& table, std::string_view user_key, std::string item_json,
                 size_t item_size);
  // `origin` shows in the stream record of the deletion (kTimeToLive: the expiry sweeper's).
  void Delete(const TableMeta& table, std::string_view user_key,
              WriteOrigin origin = WriteOrigin::kUser);

 private:
  friend class Storage;
  struct Op {
    uint64_t table_id;
    std::string user_key;
    bool is_delete;
    std::string item_json;
    size_t item_size;
    bool known_absent = false;
    WriteOrigin origin = WriteOrigin::kUser;
  };
  // The version an op supersedes: stored (found in the latest slot) or staged by an earlier op
  // of this transaction.
  struct OldVersion {
    bool found = false;   // a put (an item exists)
    bool staged = false;  // written by this transaction, not yet stored
    size_t size = 0;
    uint64_t ts = 0;      // commit ts of a stored version
    std::string version;  // a stored version's bytes ('P'... | 'D'), for the history
  };
  WriteTxn(Storage* storage, const std::vector<ItemRef>* items)
      : storage_(storage), items_(items) {}
  Status LoadOld(uint64_t table_id, std::string_view user_key, std::string* item_json,
                 OldVersion* old);
  // Whether the Write() named (locked) the item; records the misuse otherwise.
  bool Named(uint64_t table_id, std::string_view user_key);
  Storage* storage_;
  const std::vector<ItemRef>* items_;  // the items the Write() named and locked
  Status misuse_;                      // InvalidArgument once an item not named was written
  std::vector<Op> ops_;
  // Stored versions already read by this transaction (the commit needs each op's old version
  // for the statistics and the history; a read-modify-write would otherwise read it twice).
  struct Cached {
    uint64_t table_id;
    std::string user_key;
    OldVersion old;
  };
  std::vector<Cached> read_cache_;
};

class Storage {
 public:
  // Opens (creating if needed) the database under options.data_dir.
  static Status Open(const StorageOptions& options, std::unique_ptr<Storage>* out);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // ---- commit clock ----
  // The newest commit timestamp that is safe to read at (all writes <= it are visible).
  uint64_t Now() const;

  // ---- catalog ----
  std::shared_ptr<const TableMeta> FindTable(std::string_view name) const;
  std::vector<std::shared_ptr<const TableMeta>> ListTables() const;  // sorted by name
  // Assigns meta.id; Status::AlreadyExists if a table of that name exists.
  Status CreateTable(TableMeta meta, std::shared_ptr<const TableMeta>* created);
  // Replaces the metadata of an existing table (same name and id). Enabling PITR starts its
  // window at the latest commit (pitr_since_us is raised to it); *updated (optional) receives
  // the stored metadata.
  Status UpdateTable(TableMeta meta, std::shared_ptr<const TableMeta>* updated = nullptr);
  // Removes the table and its items (history included).
  Status DeleteTable(std::string_view name);
  TableStats Stats(uint64_t table_id) const;

  // ---- items ----
  // The newest version of `user_key` with commit ts <= as_of_us; *found=false when absent or
  // deleted. A past as_of_us is answered only while the table keeps history for it: inside its
  // PITR window, or at a time a HistoryPin holds. ~0 reads the latest version (one point lookup).
  // *item_size (optional) receives the item's DynamoDB size as stored with it, so that readers
  // never recompute it from the JSON (whose length is not the DynamoDB size).
  Status Get(uint64_t table_id, std::string_view user_key, uint64_t as_of_us,
             std::string* item_json, bool* found, size_t* item_size = nullptr) const;
  using ItemRef = storage::ItemRef;
  // The latest versions of several items at one instant (nullopt: absent), without the
  // history a read as of a timestamp needs; *item_sizes (optional) their DynamoDB sizes.
  Status GetLatest(const std::vector<ItemRef>& items,
                   std::vector<std::optional<std::string>>* item_jsons,
                   std::vector<size_t>* item_sizes = nullptr) const;
  // A cursor over user keys in [lower, upper) ("" upper = to the end of the table).
  // `bulk`: a one-pass read of a whole table (an export, a restore); its blocks bypass the
  // block cache so that they do not evict what the serving reads need.
  std::unique_ptr<ItemCursor> NewCursor(uint64_t table_id, uint64_t as_of_us, std::string lower,
                                        std::string upper, bool reverse = false,
                                        bool bulk = false) const;
  // The items of the table that changed during [from_us, to_us), see ChangeCursor.
  std::unique_ptr<ChangeCursor> NewChangeCursor(uint64_t table_id, uint64_t from_us, uint64_t to_us,
                                                std::string lower, std::string upper) const;
  // A read-modify-write of `items` (every item fn may read or write, named before it runs):
  // locks them as `mode` says (storage/key_locks.h), runs fn under those locks, and commits
  // what it staged under the commit lock, which it holds only to check that storage can write
  // and the tables still exist, take the commit timestamp and append the batch.
  //   Status::Busy: an item is held by an ongoing transaction and `mode` conflicts with it
  //       (fn did not run); *conflicts (optional) receives the indices into `items` of the
  //       items found held, at least one.
  //   Status::NotFound: a table of a staged write was deleted; nothing was written.
  //   Status::InvalidArgument: fn wrote an item not in `items`; nothing was written.
  //   Status::LimitExceeded: the commit would grow an item collection of a table with a local
  //       secondary index past the limit (storage/item_collections.h); nothing was written, and
  //       *conflicts (optional) receives the indices into `items` of the items that grow one.
  // *commit_ts (optional) receives the timestamp of the commit (0 if nothing was staged). The
  // commit is visible at once, durable at the next write-out: answer only after
  // WhenDurable/WaitDurable(Fence()) (see the top of this file).
  //
  // Every secondary index of the written tables (except those being deleted) is kept exact in
  // the same batch and commit ts: the old item's entries are removed and the new item's put.
  // An item whose index key attribute is invalid for an index (wrong type, empty, too long) is
  // simply not in that index, as a backfill skips it: refusing such writes with DynamoDB's
  // ValidationException is the API's job, before it stages them (model::IndexKeyOfItem).
  // *index_writes (optional) receives what each op did to each index (IndexWrite above).
  Status Write(const std::vector<ItemRef>& items, LockMode mode,
               const std::function<void(WriteTxn&)>& fn, uint64_t* commit_ts = nullptr,
               std::vector<size_t>* conflicts = nullptr,
               std::vector<IndexWrite>* index_writes = nullptr);

  // ---- DynamoDB Streams (storage/stream_log.h, docs/storage.md "Streams") ----
  // CreateTable/UpdateTable/DeleteTable keep the descriptors: a TableMeta whose
  // stream_view_type is set and whose stream_label is new opens a stream starting at the last
  // commit; clearing the view type, changing the label or deleting the table closes the
  // enabled one there. Streams are kept until 24 h after they close (TrimStreams).
  // The streams whose key ("<table>/stream/<label>", the end of their ARN) is after
  // `exclusive_start` ("" = from the first), of table `table_name` ("" = all), in key order;
  // at most `limit`; *more: whether more follow.
  Status ListStreams(std::string_view table_name, std::string_view exclusive_start, size_t limit,
                     std::vector<StreamDescriptor>* out, bool* more) const;
  // NotFound when no such stream is kept.
  Status FindStream(std::string_view table_name, std::string_view label,
                    StreamDescriptor* out) const;
  // The records of `stream` from `from` on with commit ts <= through_ts (one shard's), at most
  // max_records and (past the first record) max_bytes of stored images; *end: whether there is
  // no record past those returned up to through_ts (final once through_ts <= Now(), or for a
  // disabled stream).
  Status ReadStreamRecords(const StreamDescriptor& stream, StreamPosition from, size_t max_records,
                           size_t max_bytes, std::vector<StreamRecord>* out, bool* end,
                           uint64_t through_ts = UINT64_MAX) const;
  // Removes the records committed before `before_ts` and the streams disabled before it.
  Status TrimStreams(uint64_t before_ts);

  // ---- secondary indexes (docs/storage.md "Indexes") ----
  // The entries of index `index_id` of table `table_id` (see IndexCursor).
  std::unique_ptr<IndexCursor> NewIndexCursor(uint64_t table_id, uint32_t index_id,
                                              std::string lower, std::string upper,
                                              bool reverse = false) const;
  // Starts filling index `index_id` (in the catalog with status CREATING) from the table's
  // items in a background thread; sets backfilling=true in the catalog at once, and on
  // completion status ACTIVE, backfilling=false. Writes meanwhile are indexed by the commit
  // path. Survives restarts: Open resumes every CREATING index. NotFound: no such table/index.
  Status StartIndexBackfill(uint64_t table_id, uint32_t index_id);
  // Sets the index's status to DELETING (the commit path stops maintaining it), removes its
  // entries in the background, then drops it from the catalog. Open resumes DELETING indexes.
  Status StartIndexRemoval(uint64_t table_id, uint32_t index_id);
  // The size of the item collection of `partition_prefix` (model/partition_prefix.h) of a table
  // with a local secondary index: its items' and their LSI entries' DynamoDB sizes, as of the
  // latest commit (storage/item_collections.h). NotFound: no such table.
  Status ItemCollectionSize(uint64_t table_id, std::string_view partition_prefix, int64_t* bytes);
  // ItemCount and IndexSizeBytes (sum of the entries' projected sizes) of an index.
  TableStats IndexStats(uint64_t table_id, uint32_t index_id) const;
  // The invariant check: recomputes every complete index (not CREATING or DELETING) of the table
  // from its items and compares with the stored entries and statistics; Corruption describing
  // the first difference. Holds the commit lock for the whole check: for tests only.
  Status VerifyIndexes(uint64_t table_id) const;

  // ---- durability (group commit) ----
  // The point covering every write begun so far, hence every write whose effect anyone may
  // have read: take it after the work whose result is to be told. Cheap: one atomic load.
  DurablePoint Fence() const;
  // True when every write the point covers is on file (and fsynced with sync_writes).
  bool IsDurable(DurablePoint point) const;
  // Calls done(OK) once the point is durable, or done(error) when it cannot be made so (the
  // writes may be lost: tell nobody; writes are refused until storage recovers). Inline when
  // already durable, and without sync_writes (a write() of the buffer, no fsync); with
  // sync_writes from the wal-sync thread after the fsync that covers it: keep done short
  // (post the rest to the caller's executor). Thread-safe.
  void WhenDurable(DurablePoint point, std::function<void(Status)> done);
  // WhenDurable, blocking: for worker threads, never for an event loop's thread.
  Status WaitDurable(DurablePoint point);

  // ---- metadata key space for other modules (export records, client tokens) ----
  Status PutMeta(std::string_view key, std::string_view value);
  Status GetMeta(std::string_view key, std::string* value) const;  // NotFound when absent
  Status DeleteMeta(std::string_view key);
  // Calls fn(key, value) for every key starting with prefix, in key order, until fn is false.
  Status ScanMeta(std::string_view prefix,
                  const std::function<bool(std::string_view, std::string_view)>& fn) const;

  // ---- snapshots: durable history pins for on-demand backups (docs/storage.md "Snapshots") ----
  // A snapshot names one table as of one commit ts, without copying anything: it pins the
  // versions visible at ts (history collection keeps them; every later write to the table keeps
  // the version it supersedes, as under a HistoryPin) until DeleteSnapshot. It is stored in the
  // catalog's batch with the table's metadata and statistics at ts, survives restarts, and
  // outlives its table: DeleteTable keeps the item keys of a table a snapshot pins (its indexes
  // go), and the last DeleteSnapshot of a deleted table removes them. Read it with
  // NewCursor(snapshot.table.id, snapshot.ts, ...), under a PinHistory held for the read.
  class HistoryPin;  // see "history retention" below
  struct Snapshot {
    std::string name;
    uint64_t ts = 0;      // the commit-clock time it reads at
    TableMeta table;      // the table's metadata at ts
    TableStats stats;     // ItemCount and TableSizeBytes at ts
    std::string payload;  // the caller's, stored with it
  };
  // Snapshots `table_name` at the current time (the Now() taken under the commit lock, so every
  // write acknowledged before the call is in it, and none that commits after it). NotFound: no
  // such table; AlreadyExists: a snapshot of that name exists. Durable at the next write-out.
  Status CreateSnapshot(std::string_view table_name, std::string name, std::string payload,
                        std::shared_ptr<const Snapshot>* created = nullptr);
  std::shared_ptr<const Snapshot> FindSnapshot(std::string_view name) const;
  std::vector<std::shared_ptr<const Snapshot>> ListSnapshots() const;  // by name
  // Removes the snapshot (NotFound if absent): what only it kept becomes collectable, and if its
  // table was deleted and nothing else pins it, the table's items are removed in the same batch
  // (or when the last HistoryPin on it is released).
  Status DeleteSnapshot(std::string_view name);
  // A HistoryPin on a snapshot's table at its ts, for a read of it (a restore), taken atomically
  // with the look-up; nullptr (and *snapshot null) when no snapshot has that name. While held,
  // the items of the snapshot's table stay even if the snapshot is deleted meanwhile.
  std::shared_ptr<HistoryPin> PinSnapshot(std::string_view name,
                                          std::shared_ptr<const Snapshot>* snapshot);

  // ---- history retention ----
  // Keeps every version visible at `ts` of `table_id` from collection until the pin is
  // released (an export reading as of ts holds one); while it is held, writes to the table keep
  // the versions they supersede even with PITR off.
  std::shared_ptr<HistoryPin> PinHistory(uint64_t table_id, uint64_t ts);
  // Compacts the table's key range now, collecting history beyond its retention.
  Status CompactTable(uint64_t table_id);
  // Number of stored versions (tombstones included) of a table: for tests of collection.
  uint64_t TEST_CountVersions(uint64_t table_id) const;

  struct Impl;

 private:
  friend class WriteTxn;
  friend class BulkLoader;  // storage/bulk_load.h
  explicit Storage(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tideline::storage
