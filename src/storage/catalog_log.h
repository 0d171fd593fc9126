#pragma once
// One info line per change of the catalog, written by storage where every change passes (table
// created, updated, deleted; an index created, backfilled, deleted; a restore finished), so that
// no caller (UpdateTable, UpdateContinuousBackups, UpdateTimeToLive, a backfill job, a restore)
// can forget it:
//   info table Music created: key Artist HASH, SongTitle RANGE; PAY_PER_REQUEST; 1 GSI (byYear)
//   info table Music: index byYear CREATING -> ACTIVE; point-in-time recovery on (35 days)
// A change that alters nothing a person would look for (statistics, throughput timestamps) logs
// nothing.

#include <cstdint>

#include "storage/table_meta.h"

namespace tideline::storage {

// `before` null: created; `after` null: deleted (items/bytes: what it held).
void LogCatalogChange(const TableMeta* before, const TableMeta* after, int64_t items = 0,
                      int64_t bytes = 0);

}  // namespace tideline::storage
