// The change cursor of incremental exports: walks the entries of one table (key_layout.h: per
// user key the latest slot, then the history newest first) and yields, per user key that has a
// version committed in [from, to), the versions visible at from - 1 and at to - 1.
//
// Most keys of a large table did not change in a window: their latest slot is older than
// `from`, and since every history entry is older than the latest slot, one look at that slot
// settles them. A changed key costs the entries down to its first version before `from`.

#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

namespace {

class WindowChangeCursor : public ChangeCursor {
 public:
  WindowChangeCursor(rocksdb::DB* db, uint64_t table_id, uint64_t from, uint64_t to,
                     std::string lower, std::string upper)
      : table_prefix_(layout::TablePrefix(table_id)), from_(from), to_(to) {
    lower_bound_ = table_prefix_ + lower;
    upper_bound_ = upper.empty() ? layout::TableEnd(table_id) : table_prefix_ + upper;
    lower_slice_ = rocksdb::Slice(lower_bound_);
    upper_slice_ = rocksdb::Slice(upper_bound_);
    rocksdb::ReadOptions ro = TotalOrderReadOptions();
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    ro.fill_cache = false;  // a one-pass read of a whole table (docs/storage.md "Caching")
    it_.reset(db->NewIterator(ro));
    it_->SeekToFirst();
    Settle();
  }

  bool Valid() const override { return valid_; }
  void Next() override {
    if (!valid_) return;
    Settle();
  }
  std::string_view user_key() const override { return user_key_; }
  bool has_old() const override { return has_old_; }
  std::string_view old_json() const override { return old_json_; }
  size_t old_size() const override { return old_size_; }
  bool has_new() const override { return has_new_; }
  std::string_view new_json() const override { return new_json_; }
  size_t new_size() const override { return new_size_; }
  uint64_t last_change_ts() const override { return last_change_ts_; }
  Status status() const override { return status_.ok() ? FromRocks(it_->status()) : status_; }

 private:
  // One entry of an item: the version committed at `ts` and visible until `until` (exclusive;
  // ~0 for the latest slot).
  struct Entry {
    uint64_t ts = 0;
    uint64_t until = 0;
    std::string_view version;
  };

  static std::string_view KeyUser(const rocksdb::Slice& key) {
    return std::string_view(key.data() + layout::kTablePrefixSize,
                            key.size() - layout::kTablePrefixSize - layout::kTsSize);
  }
  bool IsItemEntry(const rocksdb::Slice& key) const {
    return key.size() >= layout::kTablePrefixSize + layout::kTsSize;
  }
  bool OnKey(std::string_view user_key) const {
    return it_->Valid() && IsItemEntry(it_->key()) && KeyUser(it_->key()) == user_key;
  }
  bool ReadEntry(Entry* e) {
    const std::string_view key = it_->key().ToStringView();
    uint64_t stamp = 0;
    if (!layout::Unstamp(it_->value().ToStringView(), &stamp, &e->version)) {
      status_ = Status::Corruption("bad item entry in change scan");
      return false;
    }
    if (layout::IsLatestSlot(key)) {
      e->ts = stamp;
      e->until = ~0ull;
    } else {
      e->ts = layout::HistoryKeyTs(key);
      e->until = stamp;
    }
    return true;
  }
  // Moves past the remaining entries of current_: a few Next() (an item without history has
  // one entry), then one Seek past all of them.
  void SkipRestOfKey() {
    for (int i = 0; i < 4; ++i) {
      if (!OnKey(current_)) return;
      it_->Next();
    }
    if (OnKey(current_)) it_->Seek(table_prefix_ + KeyAfter(current_));
  }

  // Loads `e` as an image when it is a put still visible at `at`; false otherwise.
  static bool LoadImage(const Entry& e, uint64_t at, std::string* json, size_t* size) {
    if (e.until <= at) return false;  // superseded by then (by a write whose version is gone)
    std::string_view j;
    if (!layout::ParseVersion(e.version, &j, size)) return false;  // a deletion
    json->assign(j);
    return true;
  }

  // From the first entry of some key, moves to the next key that changed in the window.
  void Settle() {
    valid_ = false;
    while (status_.ok() && it_->Valid()) {
      if (!IsItemEntry(it_->key())) {
        it_->Next();
        continue;
      }
      current_.assign(KeyUser(it_->key()));
      if (Resolve()) return;
      SkipRestOfKey();
    }
  }

  // The iterator is on the first (newest) entry of current_. True when the key changed in the
  // window; the images are loaded and the iterator is left past the key.
  //
  // A change is a version's commit ts or a history entry's end: a deletion leaves a 'D' latest
  // slot, but a put over a deleted item does not keep the 'D' in the history (nothing visible
  // is superseded), so the deletion then shows only as the end of the version before it.
  // Entries come newest first, so their times descend: ts0 > until1 > ts1 > until2 ...
  bool Resolve() {
    Entry e;
    if (!ReadEntry(&e)) return false;
    if ((e.until == ~0ull ? e.ts : e.until) < from_) return false;  // unchanged since before
    bool changed = false, new_loaded = false;
    has_new_ = has_old_ = false;
    auto note = [&](uint64_t t) {
      if (t >= from_ && t < to_ && (!changed || t > last_change_ts_)) {
        last_change_ts_ = t;
        changed = true;
      }
    };
    for (;;) {
      if (e.until != ~0ull) note(e.until);
      note(e.ts);
      if (!new_loaded && e.ts < to_) {
        has_new_ = LoadImage(e, to_ - 1, &new_json_, &new_size_);
        new_loaded = true;
      }
      if (e.ts < from_) {
        has_old_ = LoadImage(e, from_ - 1, &old_json_, &old_size_);
        break;
      }
      it_->Next();
      if (!OnKey(current_)) break;
      if (!ReadEntry(&e)) return false;
    }
    if (!changed) return false;
    user_key_ = current_;
    SkipRestOfKey();
    valid_ = true;
    return true;
  }

  std::string table_prefix_;
  uint64_t from_, to_;
  std::string lower_bound_, upper_bound_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  Status status_;
  std::string current_;  // the user key being resolved
  bool valid_ = false;
  std::string user_key_;
  bool has_old_ = false, has_new_ = false;
  std::string old_json_, new_json_;
  size_t old_size_ = 0, new_size_ = 0;
  uint64_t last_change_ts_ = 0;
};

}  // namespace

std::unique_ptr<ChangeCursor> Storage::NewChangeCursor(uint64_t table_id, uint64_t from_us,
                                                       uint64_t to_us, std::string lower,
                                                       std::string upper) const {
  return std::make_unique<WindowChangeCursor>(impl_->db.get(), table_id, from_us,
                                              std::max(to_us, from_us), std::move(lower),
                                              std::move(upper));
}

}  // namespace tideline::storage
