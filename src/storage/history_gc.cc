#include "storage/history_gc.h"

#include <rocksdb/compaction_filter.h>

#include <string>

#include "storage/key_layout.h"

namespace tideline::storage {

namespace {

class HistoryCollector : public rocksdb::CompactionFilter {
 public:
  explicit HistoryCollector(std::shared_ptr<const CutMap> cuts) : cuts_(std::move(cuts)) {}

  Decision FilterV2(int /*level*/, const rocksdb::Slice& key, ValueType value_type,
                    const rocksdb::Slice& /*existing_value*/, std::string* /*new_value*/,
                    std::string* /*skip_until*/) const override {
    if (value_type != ValueType::kValue || !cuts_) return Decision::kKeep;
    if (key.size() < layout::kTablePrefixSize + layout::kTsSize || key[0] != layout::kItem) {
      return Decision::kKeep;
    }
    const uint64_t table_id = layout::GetU64BE(key.data() + 1);
    auto it = cuts_->find(table_id);
    if (it == cuts_->end()) return Decision::kKeep;
    const uint64_t ts = ~layout::GetU64BE(key.data() + key.size() - layout::kTsSize);
    // The user key, with the table prefix, identifies the item across its versions.
    rocksdb::Slice item(key.data(), key.size() - layout::kTsSize);
    if (item != rocksdb::Slice(last_item_)) {
      last_item_.assign(item.data(), item.size());
      seen_visible_at_cut_ = false;
    }
    if (ts > it->second) return Decision::kKeep;
    if (!seen_visible_at_cut_) {
      seen_visible_at_cut_ = true;  // the version a read at the cut sees
      return Decision::kKeep;
    }
    return Decision::kRemove;
  }

  const char* Name() const override { return "tideline.HistoryCollector"; }

 private:
  std::shared_ptr<const CutMap> cuts_;
  // Keys arrive in order within one (sub)compaction; one filter serves one of them.
  mutable std::string last_item_;
  mutable bool seen_visible_at_cut_ = false;
};

class HistoryCollectorFactory : public rocksdb::CompactionFilterFactory {
 public:
  explicit HistoryCollectorFactory(std::function<std::shared_ptr<const CutMap>()> cuts)
      : cuts_(std::move(cuts)) {}

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    std::shared_ptr<const CutMap> cuts;
    try {
      cuts = cuts_();
    } catch (...) {
      cuts = nullptr;  // keep everything rather than let an exception into RocksDB
    }
    return std::make_unique<HistoryCollector>(std::move(cuts));
  }

  const char* Name() const override { return "tideline.HistoryCollectorFactory"; }

 private:
  std::function<std::shared_ptr<const CutMap>()> cuts_;
};

}  // namespace

std::shared_ptr<rocksdb::CompactionFilterFactory> NewHistoryCollectorFactory(
    std::function<std::shared_ptr<const CutMap>()> cuts) {
  return std::make_shared<HistoryCollectorFactory>(std::move(cuts));
}

}  // namespace tideline::storage
