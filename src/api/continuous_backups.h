#pragma once
// The ContinuousBackupsDescription of UpdateContinuousBackups and DescribeContinuousBackups,
// and the recovery window that exports check their ExportTime against.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api/context.h"
#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

// The recovery window of a table with PITR enabled, in commit-clock microseconds:
// [max(enabled since, now - RecoveryPeriodInDays), now].
struct RecoveryWindow {
  uint64_t earliest_us;
  uint64_t latest_us;
};
RecoveryWindow RecoveryWindowOf(const storage::TableMeta& table, uint64_t now_us);
// A client's point in time (epoch seconds, as the JSON protocol sends timestamps) as a
// commit-clock time inside the window, or nullopt when it is outside. The window's start is kept
// in microseconds but shown to clients in milliseconds: a time equal to the
// EarliestRestorableDateTime shown counts as inside (and is raised to the window's start).
std::optional<uint64_t> TimeInWindow(double epoch_seconds, const RecoveryWindow& window);

std::string ContinuousBackupsResponse(const storage::TableMeta& table, uint64_t now_us);

// The table of a TableName (name or ARN) for the PITR operations: TableNotFoundException
// "Table not found: <name>" when absent.
std::shared_ptr<const storage::TableMeta> FindTableForBackups(Context& ctx, const json::Value& req);

}  // namespace tideline::api
