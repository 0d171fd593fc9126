#pragma once
// The moment a console as-of read (ScanAsOf, GetItemAsOf) reads a table at: the request's
// TableName and AsOf (epoch seconds) checked against the table's point-in-time recovery window,
// whose history is what such a read sees.

#include <cstdint>
#include <memory>

#include "api/context.h"
#include "json/json.h"
#include "storage/storage.h"

namespace tideline::api {

struct AsOfRead {
  std::shared_ptr<const storage::TableMeta> table;
  uint64_t as_of_us = 0;  // commit-clock time
  // Held for the read: history at as_of_us stays while the read walks it, even if the window's
  // start passes it meanwhile.
  std::shared_ptr<storage::Storage::HistoryPin> pin;
};

// Throws TableNotFoundException (no such table, or one a restore is still filling),
// PointInTimeRecoveryUnavailableException (PITR off: no history kept), ValidationException
// (AsOf absent or outside the recovery window).
AsOfRead StartAsOfRead(Context& ctx, const json::Value& req);

}  // namespace tideline::api
