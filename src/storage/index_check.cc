// Storage::VerifyIndexes: the invariant check of secondary indexes (storage.h). Recomputes every
// index from its base table by the rule the writers use (index_maintenance.h) and compares with
// the stored entries and statistics. Holds the commit lock throughout, so both sides are one
// instant: a tool for tests, not for serving.

#include <algorithm>

#include "storage/index_maintenance.h"
#include "storage/key_layout.h"
#include "storage/storage_impl.h"

namespace tideline::storage {
namespace {

struct Expected {
  std::string key;  // index_key + user_key
  size_t index_key_size;
  std::string json;
  size_t size;
};

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes.substr(0, 48)) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace

Status Storage::VerifyIndexes(uint64_t table_id) const {
  CommitLock wlock(&impl_->write_mu);
  auto table = impl_->LiveFor(table_id);
  if (!table || !impl_->CommitCatalog(*table).meta) return Status::NotFound("table");
  const TableMeta& meta = *impl_->CommitCatalog(*table).meta;
  for (const IndexMeta& index : meta.indexes) {
    // A backfill in progress or a removal has no complete contents to compare.
    if (index.status == "CREATING" || index.status == "DELETING") continue;
    std::vector<Expected> expected;
    const std::vector<const IndexMeta*> one{&index};
    auto cursor = NewMvccCursor(impl_->db.get(), table_id, ~0ull, "", "", false, true);
    std::vector<IndexEntry> entries;
    for (; cursor->Valid(); cursor->Next()) {
      Status s = EntriesOfItem(meta, one, cursor->item_json(), cursor->item_size(), &entries);
      if (!s.ok()) return s;
      for (auto& e : entries) {
        expected.push_back({e.index_key + std::string(cursor->user_key()), e.index_key.size(),
                            std::move(e.json), e.size});
      }
    }
    if (Status s = cursor->status(); !s.ok()) return s;
    std::sort(expected.begin(), expected.end(),
              [](const Expected& a, const Expected& b) { return a.key < b.key; });
    const std::string where = "index " + index.name + ": ";
    auto entry = NewIndexCursor(table_id, index.id, "", "");
    int64_t bytes = 0;
    size_t i = 0;
    for (; entry->Valid(); entry->Next(), ++i) {
      const std::string key = std::string(entry->index_key()) + std::string(entry->table_key());
      if (i >= expected.size() || key != expected[i].key) {
        return Status::Corruption(where + "extra or misplaced entry " + Hex(key) +
                                  (i < expected.size() ? " expected " + Hex(expected[i].key)
                                                       : std::string(" past the end")));
      }
      if (entry->index_key().size() != expected[i].index_key_size ||
          entry->item_json() != expected[i].json || entry->item_size() != expected[i].size) {
        return Status::Corruption(where + "stale entry " + Hex(key) + ": " +
                                  std::string(entry->item_json()) + " expected " +
                                  expected[i].json);
      }
      bytes += static_cast<int64_t>(entry->item_size());
    }
    if (Status s = entry->status(); !s.ok()) return s;
    if (i != expected.size()) {
      return Status::Corruption(where + "missing entry " + Hex(expected[i].key));
    }
    const TableStats stats = IndexStats(table_id, index.id);
    if (stats.item_count != static_cast<int64_t>(i) || stats.size_bytes != bytes) {
      return Status::Corruption(where + "statistics " + std::to_string(stats.item_count) + "/" +
                                std::to_string(stats.size_bytes) + " but entries " +
                                std::to_string(i) + "/" + std::to_string(bytes));
    }
  }
  return Status::OK();
}

}  // namespace tideline::storage
