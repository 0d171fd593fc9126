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
                    const rocksdb::Slice& existing_value, std::string* /*new_value*/,
                    std::string* /*skip_until*/) const override {
    if (value_type != ValueType::kValue || !cuts_) return Decision::kKeep;
    if (key.size() < layout::kTablePrefixSize + layout::kTsSize || key[0] != layout::kItem) {
      return Decision::kKeep;
    }
    auto it = cuts_->find(layout::GetU64BE(key.data() + 1));
    if (it == cuts_->end()) return Decision::kKeep;
    const TableCut& cut = it->second;
    uint64_t stamp = 0;
    std::string_view version;
    if (!layout::Unstamp(existing_value.ToStringView(), &stamp, &version)) return Decision::kKeep;
    if (layout::IsLatestSlot(key.ToStringView())) {
      // (RocksDB turns a removal into a tombstone, so no older slot reappears.)
      return version[0] == layout::kDeleteVersion && cut.DropsDeletion(stamp) ? Decision::kRemove
                                                                              : Decision::kKeep;
    }
    // A history entry was visible during [its ts, stamp).
    return cut.Keeps(layout::HistoryKeyTs(key.ToStringView()), stamp) ? Decision::kKeep
                                                                      : Decision::kRemove;
  }

  const char* Name() const override { return "tideline.HistoryCollector"; }

 private:
  std::shared_ptr<const CutMap> cuts_;
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
