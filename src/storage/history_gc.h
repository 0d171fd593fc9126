#pragma once
// History collection. A compaction filter drops item versions that no permitted read can see:
// for each table a "cut" time C is computed (PITR off: now; PITR on: the start of the recovery
// window; lowered by any HistoryPin an export holds). Versions newer than C are kept; of the
// versions <= C only the newest (the one a read at C sees) is kept, the rest are removed.
// Only removes a version when a newer version <= C of the same user key passed through the
// same compaction, so a version a read at >= C needs is never lost. Never throws into RocksDB.

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
