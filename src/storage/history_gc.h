#pragma once
// History collection. A compaction filter drops item entries that no permitted read can see:
// for each table a "cut" time C is computed (PITR off: now; PITR on: the start of the recovery
// window; lowered by any HistoryPin an export holds). A history entry is stamped with the time
// it was superseded, so it is removed once that time is <= C; a latest slot holding a deletion
// committed at or before C is removed too. The decision needs only the entry itself, so it
// holds in any compaction. Never throws into RocksDB.

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

namespace rocksdb {
class CompactionFilterFactory;
}

namespace tideline::storage {

using CutMap = std::unordered_map<uint64_t, uint64_t>;  // table id -> cut ts

// `cuts` is called once per compaction (from RocksDB's threads) for a fresh map.
std::shared_ptr<rocksdb::CompactionFilterFactory> NewHistoryCollectorFactory(
    std::function<std::shared_ptr<const CutMap>()> cuts);

}  // namespace tideline::storage
