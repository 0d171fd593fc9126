// The MVCC cursor: walks the version keys of one table and yields, per user key, the newest
// version with commit ts <= as_of, skipping deletions.

#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {

namespace {

// Versions of one key read with Next() before falling back to a Seek past them.
constexpr int kNextBeforeSeek = 8;

class MvccCursor : public ItemCursor {
 public:
  MvccCursor(rocksdb::DB* db, uint64_t table_id, uint64_t as_of, std::string lower,
             std::string upper, bool reverse)
      : table_prefix_(layout::TablePrefix(table_id)), as_of_(as_of), reverse_(reverse) {
    lower_bound_ = table_prefix_ + lower;
    upper_bound_ = upper.empty() ? layout::TableEnd(table_id) : table_prefix_ + upper;
    lower_slice_ = rocksdb::Slice(lower_bound_);
    upper_slice_ = rocksdb::Slice(upper_bound_);
    rocksdb::ReadOptions ro = TotalOrderReadOptions();
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    ro.snapshot = nullptr;
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
  Status status() const override { return FromRocks(it_->status()); }

  void Next() override {
    if (!valid_) return;
    if (reverse_) {
      // Every version key of user_key_ sorts after table_prefix + user_key_ itself.
      it_->SeekForPrev(table_prefix_ + user_key_);
      if (it_->Valid() && it_->key() == rocksdb::Slice(table_prefix_ + user_key_)) it_->Prev();
      SettleBackward();
    } else {
      SkipRestOfKey();
      SettleForward();
    }
  }

 private:
  static uint64_t KeyTs(const rocksdb::Slice& key) {
    return ~layout::GetU64BE(key.data() + key.size() - layout::kTsSize);
  }
  std::string_view KeyUser(const rocksdb::Slice& key) const {
    return std::string_view(key.data() + layout::kTablePrefixSize,
                            key.size() - layout::kTablePrefixSize - layout::kTsSize);
  }

  // Moves past the remaining versions of user_key_ (forward direction).
  void SkipRestOfKey() {
    const std::string current = table_prefix_ + user_key_;
    for (int i = 0; i < kNextBeforeSeek; ++i) {
      it_->Next();
      if (!it_->Valid() || !it_->key().starts_with(current)) return;
    }
    std::string past = layout::ItemKey(0, user_key_, 0);  // user_key + 0xff*8
    past.replace(0, layout::kTablePrefixSize, table_prefix_);
    past.push_back('\0');
    it_->Seek(past);
  }

  // From the iterator's position, finds the next user key with a visible version.
  void SettleForward() {
    valid_ = false;
    while (it_->Valid()) {
      rocksdb::Slice key = it_->key();
      if (key.size() < layout::kTablePrefixSize + layout::kTsSize) {
        it_->Next();
        continue;
      }
      if (KeyTs(key) > as_of_) {
        // Too new: jump to the newest version <= as_of of this key.
        std::string target(key.data(), key.size() - layout::kTsSize);
        layout::PutU64BE(&target, ~as_of_);
        it_->Seek(target);
        if (!it_->Valid()) break;
        rocksdb::Slice k2 = it_->key();
        if (k2.size() != key.size() - 0 ||
            !k2.starts_with(rocksdb::Slice(target.data(), target.size() - layout::kTsSize))) {
          continue;  // no visible version of that key; k2 is already the next key
        }
      }
      if (Load()) return;
      user_key_.assign(KeyUser(it_->key()));
      SkipRestOfKey();
    }
  }

  // From the iterator's position (on some version of a key, moving backwards), finds the
  // previous user key with a visible version.
  void SettleBackward() {
    valid_ = false;
    while (it_->Valid()) {
      rocksdb::Slice key = it_->key();
      if (key.size() < layout::kTablePrefixSize + layout::kTsSize) {
        it_->Prev();
        continue;
      }
      const std::string item_prefix(key.data(), key.size() - layout::kTsSize);
      std::string target = item_prefix;
      layout::PutU64BE(&target, ~as_of_);
      it_->Seek(target);
      if (it_->Valid() && it_->key().starts_with(item_prefix) &&
          it_->key().size() == item_prefix.size() + layout::kTsSize && Load()) {
        return;
      }
      // Nothing visible for this key: step to the key before it.
      it_->SeekForPrev(item_prefix);
      if (it_->Valid() && it_->key() == rocksdb::Slice(item_prefix)) it_->Prev();
    }
  }

  // Loads the version under the iterator; false for a deletion.
  bool Load() {
    rocksdb::Slice key = it_->key();
    std::string_view json;
    size_t size = 0;
    if (!layout::ParseVersion(it_->value().ToStringView(), &json, &size)) return false;
    user_key_.assign(KeyUser(key));
    item_json_ = json;
    item_size_ = size;
    commit_ts_ = KeyTs(key);
    valid_ = true;
    return true;
  }

  std::string table_prefix_;
  uint64_t as_of_;
  bool reverse_;
  std::string lower_bound_, upper_bound_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  bool valid_ = false;
  std::string user_key_;
  std::string_view item_json_;
  size_t item_size_ = 0;
  uint64_t commit_ts_ = 0;
};

}  // namespace

std::unique_ptr<ItemCursor> NewMvccCursor(rocksdb::DB* db, uint64_t table_id, uint64_t as_of,
                                          std::string lower, std::string upper, bool reverse) {
  return std::make_unique<MvccCursor>(db, table_id, as_of, std::move(lower), std::move(upper),
                                      reverse);
}

std::unique_ptr<ItemCursor> Storage::NewCursor(uint64_t table_id, uint64_t as_of_us,
                                               std::string lower, std::string upper,
                                               bool reverse) const {
  return NewMvccCursor(impl_->db.get(), table_id, as_of_us, std::move(lower), std::move(upper),
                       reverse);
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
