// The MVCC cursor: walks the entries of one table and yields, per user key, the version visible
// at as_of (the latest slot if it is old enough, else the history entry whose lifetime covers
// as_of), skipping deletions. See key_layout.h for the entries of one item.

#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

namespace {

// Entries of one key read with Next() before falling back to a Seek past them.
constexpr int kNextBeforeSeek = 8;

class MvccCursor : public ItemCursor {
 public:
  MvccCursor(rocksdb::DB* db, uint64_t table_id, uint64_t as_of, std::string lower,
             std::string upper, bool reverse, bool bulk)
      : table_prefix_(layout::TablePrefix(table_id)), as_of_(as_of), reverse_(reverse) {
    lower_bound_ = table_prefix_ + lower;
    upper_bound_ = upper.empty() ? layout::TableEnd(table_id) : table_prefix_ + upper;
    lower_slice_ = rocksdb::Slice(lower_bound_);
    upper_slice_ = rocksdb::Slice(upper_bound_);
    rocksdb::ReadOptions ro = TotalOrderReadOptions();
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    ro.fill_cache = !bulk;
    it_.reset(db->NewIterator(ro));
    if (reverse_) {
      it_->SeekToLast();
      SettleBackward();
    } else {
      it_->SeekToFirst();
      SettleForward();
    }
  }

  bool Valid() const override { return valid_; }
  std::string_view user_key() const override { return user_key_; }
  std::string_view item_json() const override { return item_json_; }
  size_t item_size() const override { return item_size_; }
  uint64_t commit_ts() const override { return commit_ts_; }
  Status status() const override { return status_.ok() ? FromRocks(it_->status()) : status_; }

  void Next() override {
    if (!valid_) return;
    if (reverse_) {
      StepBackPast(user_key_);
      SettleBackward();
    } else {
      SkipRestOfKey(user_key_);
      SettleForward();
    }
  }

 private:
  bool IsItemEntry(const rocksdb::Slice& key) const {
    return key.size() >= layout::kTablePrefixSize + layout::kTsSize;
  }
  static std::string_view KeyUser(const rocksdb::Slice& key) {
    return std::string_view(key.data() + layout::kTablePrefixSize,
                            key.size() - layout::kTablePrefixSize - layout::kTsSize);
  }
  // True when the iterator is on an entry of `user_key`.
  bool OnKey(std::string_view user_key) const {
    return it_->Valid() && IsItemEntry(it_->key()) && KeyUser(it_->key()) == user_key;
  }

  // Moves past the remaining entries of user_key (forward direction).
  void SkipRestOfKey(const std::string& user_key) {
    for (int i = 0; i < kNextBeforeSeek; ++i) {
      it_->Next();
      if (!OnKey(user_key)) return;
    }
    it_->Seek(table_prefix_ + KeyAfter(user_key));
  }

  // Moves to the last entry of the user key before user_key (reverse direction). Every entry of
  // user_key sorts after table_prefix + user_key itself, which is never a key.
  void StepBackPast(const std::string& user_key) {
    it_->SeekForPrev(table_prefix_ + user_key);
    if (it_->Valid() && it_->key() == rocksdb::Slice(table_prefix_ + user_key)) it_->Prev();
  }

  // The iterator is on the first entry of a user key (its latest slot, when it has one). Finds
  // the version visible at as_of and loads it; false when there is none. Either way the
  // iterator stays on an entry of that key or moves past all of them.
  bool Resolve() {
    const rocksdb::Slice key = it_->key();
    resolving_.assign(KeyUser(key));  // reuses its buffer: no allocation per key
    const std::string& user_key = resolving_;
    uint64_t stamp = 0;
    std::string_view version;
    if (!layout::Unstamp(it_->value().ToStringView(), &stamp, &version)) {
      status_ = Status::Corruption("bad item entry in table scan");
      return false;
    }
    if (layout::IsLatestSlot(key.ToStringView())) {
      if (stamp <= as_of_) return Load(user_key, stamp, version);
    } else if (layout::HistoryKeyTs(key.ToStringView()) <= as_of_) {
      return LoadHistory(user_key, stamp, version);
    }
    // Too new: the newest history entry at or before as_of, if any.
    target_.assign(table_prefix_).append(user_key);
    layout::PutU64BE(&target_, ~as_of_);
    it_->Seek(target_);
    if (!OnKey(user_key)) return false;
    if (!layout::Unstamp(it_->value().ToStringView(), &stamp, &version)) {
      status_ = Status::Corruption("bad item entry in table scan");
      return false;
    }
    return LoadHistory(user_key, stamp, version);
  }

  bool LoadHistory(const std::string& user_key, uint64_t superseded, std::string_view version) {
    if (superseded <= as_of_) return false;  // superseded by as_of (by a write not kept)
    return Load(user_key, layout::HistoryKeyTs(it_->key().ToStringView()), version);
  }

  // Loads a version found for user_key; false for a deletion.
  bool Load(std::string_view user_key, uint64_t ts, std::string_view version) {
    std::string_view json;
    size_t size = 0;
    if (!layout::ParseVersion(version, &json, &size)) return false;
    user_key_ = user_key;
    item_json_ = json;
    item_size_ = size;
    commit_ts_ = ts;
    valid_ = true;
    return true;
  }

  // From the iterator's position (the first entry of a key), finds the next user key with a
  // visible version.
  void SettleForward() {
    valid_ = false;
    while (it_->Valid() && status_.ok()) {
      if (!IsItemEntry(it_->key())) {
        it_->Next();
        continue;
      }
      if (Resolve()) return;
      if (OnKey(resolving_)) SkipRestOfKey(resolving_);
    }
  }

  // From the iterator's position (on some entry of a key, moving backwards), finds the previous
  // user key with a visible version.
  void SettleBackward() {
    valid_ = false;
    while (it_->Valid() && status_.ok()) {
      if (!IsItemEntry(it_->key())) {
        it_->Prev();
        continue;
      }
      const std::string user_key(KeyUser(it_->key()));
      target_.assign(table_prefix_).append(user_key).append(layout::kTsSize, '\0');
      it_->Seek(target_);  // the key's first entry
      if (OnKey(user_key) && Resolve()) return;
      if (!status_.ok()) return;
      StepBackPast(user_key);
    }
  }

  std::string table_prefix_;
  uint64_t as_of_;
  bool reverse_;
  std::string lower_bound_, upper_bound_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  Status status_;
  std::string resolving_;  // the user key Resolve() last looked at
  std::string target_;     // scratch for Seek targets
  bool valid_ = false;
  std::string user_key_;
  std::string_view item_json_;
  size_t item_size_ = 0;
  uint64_t commit_ts_ = 0;
};

}  // namespace

std::unique_ptr<ItemCursor> NewMvccCursor(rocksdb::DB* db, uint64_t table_id, uint64_t as_of,
                                          std::string lower, std::string upper, bool reverse,
                                          bool bulk) {
  return std::make_unique<MvccCursor>(db, table_id, as_of, std::move(lower), std::move(upper),
                                      reverse, bulk);
}

std::unique_ptr<ItemCursor> Storage::NewCursor(uint64_t table_id, uint64_t as_of_us,
                                               std::string lower, std::string upper, bool reverse,
                                               bool bulk) const {
  return NewMvccCursor(impl_->db.get(), table_id, as_of_us, std::move(lower), std::move(upper),
                       reverse, bulk);
}

}  // namespace tideline::storage

namespace tideline::storage {
std::string KeyAfter(std::string_view user_key) {
  std::string k(user_key);
  k.append(layout::kTsSize, '\xff');  // past every version of user_key
  k.push_back('\0');
  return k;
}
}  // namespace tideline::storage
