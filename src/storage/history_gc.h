#pragma once
// History collection. A compaction filter drops item entries that no permitted read can see.
// For each table a "cut" time C is computed (PITR off: now; PITR on: the start of the recovery
// window) together with the times pinned by HistoryPins (an export, a restore) and snapshots (an
// on-demand backup). A history entry records its lifetime [ts, superseded): it is removed once
// superseded <= C unless a pinned time p falls inside it (ts <= p < superseded), so a backup
// keeps only the versions visible at its own time, not every version since. A latest slot
// holding a deletion committed at or before C and before every pin is removed too. The decision
// needs only the entry itself, so it holds in any compaction. Never throws into RocksDB.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace rocksdb {
class CompactionFilterFactory;
}

namespace tideline::storage {

struct TableCut {
  uint64_t cut = 0;
  std::vector<uint64_t> pins;  // ascending
  // Whether a history entry visible during [ts, superseded) must stay.
  bool Keeps(uint64_t ts, uint64_t superseded) const {
    if (superseded > cut) return true;
    auto p = std::lower_bound(pins.begin(), pins.end(), ts);
    return p != pins.end() && *p < superseded;
  }
  // Whether a deletion committed at `ts` in a latest slot may go: every permitted read is at or
  // after it, so all of them find the item absent without it.
  bool DropsDeletion(uint64_t ts) const {
    return ts <= cut && (pins.empty() || ts <= pins.front());
  }
};
using CutMap = std::unordered_map<uint64_t, TableCut>;  // table id -> what it keeps

// `cuts` is called once per compaction (from RocksDB's threads) for a fresh map.
std::shared_ptr<rocksdb::CompactionFilterFactory> NewHistoryCollectorFactory(
    std::function<std::shared_ptr<const CutMap>()> cuts);

}  // namespace tideline::storage
