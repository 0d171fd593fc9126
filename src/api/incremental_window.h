#pragma once
// The IncrementalExportSpecification of ExportTableToPointInTime: its parsing and DynamoDB's
// checks of the window [ExportFromTime, ExportToTime).

#include <cstdint>
#include <optional>
#include <string>

#include "json/json.h"
#include "storage/table_meta.h"

namespace tideline::api {

struct IncrementalWindowRequest {
  std::optional<double> from_seconds;
  std::optional<double> to_seconds;  // absent: "the latest time with data available"
  std::string view_type = "NEW_AND_OLD_IMAGES";
};

// Reads the specification of an INCREMENTAL_EXPORT (the ExportViewType enum is checked with the
// other members). ValidationException when it is missing, lacks ExportFromTime, or comes with an
// ExportTime (AWS's wording for these three is not public; ours names the field).
IncrementalWindowRequest ParseIncrementalRequest(const json::Value* spec, bool has_export_time);

struct IncrementalWindow {
  uint64_t from_us;  // inclusive, whole milliseconds (raised to the start of the PITR window)
  uint64_t to_us;    // exclusive
  std::string view_type;
};

// InvalidExportTimeException, as AWS words it (observations recorded in the spec):
//   from before the recovery window (or PITR off): "Incremental export period from time cannot
//     be less than the table creation time : 2026-10-09T00:41:50Z" (the from time asked for)
//   to after now: "Incremental export period to time cannot be greater than the current time :
//     <to>"
//   shorter than 15 minutes: "Difference between export period from time and export period to
//     time is less than 15 minutes"
//   longer than 24 hours: "... is greater than 24 hours" (AWS's wording not observed: the
//     observed request hit the first check).
// ExportToTime defaults to now, in whole seconds (AWS describes such an export with a whole
// second).
IncrementalWindow CheckIncrementalWindow(const IncrementalWindowRequest& request,
                                         const storage::TableMeta& table, uint64_t now_us);

}  // namespace tideline::api
