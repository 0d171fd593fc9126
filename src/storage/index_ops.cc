// The public index operations of Storage (storage.h, "secondary indexes"): the entry cursor,
// statistics, and the start of background backfills and removals (index_jobs.cc).

#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {
namespace {

class EntryCursor : public IndexCursor {
 public:
  EntryCursor(rocksdb::DB* db, uint64_t table_id, uint32_t index_id, const std::string& lower,
              const std::string& upper, bool reverse)
      : reverse_(reverse) {
    const std::string prefix = layout::IndexPrefix(table_id, index_id);
    lower_bound_ = prefix + lower;
    upper_bound_ = upper.empty() ? layout::IndexEnd(table_id, index_id) : prefix + upper;
    lower_slice_ = rocksdb::Slice(lower_bound_);
    upper_slice_ = rocksdb::Slice(upper_bound_);
    rocksdb::ReadOptions ro = TotalOrderReadOptions();
    ro.iterate_lower_bound = &lower_slice_;
    ro.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(ro));
    if (reverse_) {
      it_->SeekToLast();
    } else {
      it_->SeekToFirst();
    }
    Settle();
  }

  bool Valid() const override { return valid_; }
  void Next() override {
    if (!valid_) return;
    if (reverse_) {
      it_->Prev();
    } else {
      it_->Next();
    }
    Settle();
  }
  std::string_view index_key() const override { return index_key_; }
  std::string_view table_key() const override { return table_key_; }
  std::string_view item_json() const override { return item_json_; }
  size_t item_size() const override { return item_size_; }
  Status status() const override { return status_.ok() ? FromRocks(it_->status()) : status_; }

 private:
  void Settle() {
    valid_ = false;
    if (!it_->Valid()) return;
    const std::string_view key = it_->key().ToStringView().substr(layout::kIndexPrefixSize);
    uint64_t ts = 0;
    size_t key_size = 0;
    if (!layout::ParseIndexEntryValue(it_->value().ToStringView(), &ts, &key_size, &item_json_,
                                      &item_size_) ||
        key_size > key.size()) {
      status_ = Status::Corruption("bad index entry");
      return;
    }
    index_key_ = key.substr(0, key_size);
    table_key_ = key.substr(key_size);
    valid_ = true;
  }

  const bool reverse_;
  std::string lower_bound_, upper_bound_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  bool valid_ = false;
  std::string_view index_key_, table_key_, item_json_;
  size_t item_size_ = 0;
  Status status_;
};

}  // namespace

std::unique_ptr<IndexCursor> Storage::NewIndexCursor(uint64_t table_id, uint32_t index_id,
                                                     std::string lower, std::string upper,
                                                     bool reverse) const {
  return std::make_unique<EntryCursor>(impl_->db.get(), table_id, index_id, lower, upper, reverse);
}

Status Storage::StartIndexBackfill(uint64_t table_id, uint32_t index_id) {
  Status s = impl_->MutateTable(table_id, [index_id](TableMeta& m) {
    for (auto& ix : m.indexes) {
      if (ix.id == index_id && ix.status == "CREATING") {
        ix.backfilling = true;
        return true;
      }
    }
    return false;
  });
  if (!s.ok()) return s;
  Impl* impl = impl_.get();
  impl->LaunchIndexJob([impl, table_id, index_id] { impl->RunBackfill(table_id, index_id); });
  return Status::OK();
}

Status Storage::StartIndexRemoval(uint64_t table_id, uint32_t index_id) {
  Status s = impl_->MutateTable(table_id, [index_id](TableMeta& m) {
    for (auto& ix : m.indexes) {
      if (ix.id == index_id) {
        ix.status = "DELETING";
        ix.backfilling = false;
        return true;
      }
    }
    return false;
  });
  if (!s.ok()) return s;
  Impl* impl = impl_.get();
  impl->LaunchIndexJob([impl, table_id, index_id] { impl->RunRemoval(table_id, index_id); });
  return Status::OK();
}

TableStats Storage::IndexStats(uint64_t table_id, uint32_t index_id) const {
  auto table = impl_->LiveFor(table_id);
  if (!table) return {};
  common::ReaderLock lock(&impl_->catalog_mu);
  const auto& indexes = impl_->Catalog(*table).indexes;
  auto it = indexes.find(index_id);
  if (it == indexes.end()) return {};
  return {it->second->item_count.load(), it->second->size_bytes.load()};
}

}  // namespace tideline::storage
