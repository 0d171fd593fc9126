#pragma once
// What RestoreTableToPointInTime and RestoreTableFromBackup share: the override members of the
// request and the creation of the target table. The target is created CREATING and answered at
// once; the restore service fills it in the background (restore/restore_service.h). As on
// DynamoDB it takes the source's key schema and capacity settings (or the overrides), its
// secondary indexes (or the index overrides: restore_index_overrides.h), and none of its tags,
// TTL or PITR settings.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/context.h"
#include "api/request.h"
#include "api/restore_index_overrides.h"
#include "json/json.h"
#include "storage/storage.h"

namespace tideline::api {

struct RestoreOverrides {
  std::optional<std::string_view> billing;  // BillingModeOverride
  const json::Value* throughput = nullptr;  // ProvisionedThroughputOverride
  int64_t rcu = 0;
  int64_t wcu = 0;
  IndexOverrides indexes;
};

// Reads the override members, their violations added to *errors (in DynamoDB's order, after the
// operation's own members).
RestoreOverrides ReadRestoreOverrides(const json::Value& req, ValidationErrors* errors);
// The rules across members, once the constraints passed: no throughput with PAY_PER_REQUEST.
void CheckRestoreOverrides(const RestoreOverrides& overrides);

// The checks on the target before anything is pinned: TableAlreadyExistsException when a table
// of that name exists, LimitExceededException at the table quota.
void CheckRestoreTarget(Context& ctx, std::string_view target_name);

// Where a restore's items come from, and what its RestoreSummary shows.
struct RestoreOrigin {
  uint64_t source_id = 0;  // the storage table read (possibly a deleted one a backup keeps)
  uint64_t as_of_us = 0;   // read as of this commit-clock time
  std::string source_table_arn;
  std::string backup_arn;             // empty for a point-in-time restore
  uint64_t restore_date_time_us = 0;  // RestoreDateTime
};

// Creates the target table `target_name` from `source` (its metadata as restored) and the
// overrides, starts the copy (which holds `pin` until it ends) and returns the response body
// {TableDescription}.
std::string CreateRestoredTable(Context& ctx, std::string_view target_name,
                                const RestoreOverrides& overrides, const storage::TableMeta& source,
                                const RestoreOrigin& origin,
                                std::shared_ptr<storage::Storage::HistoryPin> pin);

}  // namespace tideline::api
