#include "api/incremental_window.h"

#include <cmath>

#include "api/continuous_backups.h"
#include "api/request.h"
#include "common/api_error.h"
#include "export/manifest.h"

namespace tideline::api {

namespace {

constexpr uint64_t kMinWindowUs = 15ull * 60 * 1000000;
constexpr uint64_t kMaxWindowUs = 24ull * 3600 * 1000000;

// A client's timestamp in whole milliseconds as microseconds; 0 for a negative or non-finite
// one (before any table existed).
uint64_t MillisecondsOf(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return 0;
  return static_cast<uint64_t>(std::floor(seconds * 1000.0)) * 1000;
}

// "2026-10-09T00:41:50Z": AWS prints the times of these messages in whole seconds.
std::string IsoSeconds(uint64_t us) {
  std::string text = exporter::FormatIsoMillis(static_cast<int64_t>(us / 1000));
  return text.substr(0, text.size() - 5) + "Z";  // drop ".mmmZ"
}

}  // namespace

IncrementalWindowRequest ParseIncrementalRequest(const json::Value* spec, bool has_export_time) {
  if (has_export_time) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: ExportTime cannot be specified with "
        "ExportType INCREMENTAL_EXPORT; use IncrementalExportSpecification");
  }
  if (!spec) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: IncrementalExportSpecification is required "
        "when ExportType is INCREMENTAL_EXPORT");
  }
  IncrementalWindowRequest r;
  r.from_seconds = OptTimestamp(*spec, "ExportFromTime");
  r.to_seconds = OptTimestamp(*spec, "ExportToTime");
  if (auto view = OptString(*spec, "ExportViewType")) r.view_type = std::string(*view);
  if (!r.from_seconds) {
    throw ApiError::Validation(
        "One or more parameter values were invalid: IncrementalExportSpecification.ExportFromTime "
        "is required when ExportType is INCREMENTAL_EXPORT");
  }
  return r;
}

IncrementalWindow CheckIncrementalWindow(const IncrementalWindowRequest& request,
                                         const storage::TableMeta& table, uint64_t now_us) {
  const uint64_t from_us = MillisecondsOf(*request.from_seconds);
  const uint64_t to_us =
      request.to_seconds ? MillisecondsOf(*request.to_seconds) : now_us / 1000000 * 1000000;
  // Without PITR no time is restorable. The window's start is kept in microseconds but shown
  // in milliseconds: a from time equal to the EarliestRestorableDateTime shown is inside.
  const uint64_t earliest_us =
      table.pitr_enabled ? RecoveryWindowOf(table, now_us).earliest_us : ~0ull;
  if (earliest_us == ~0ull || from_us + 1000 <= earliest_us) {
    throw ApiError::InvalidExportTime(
        "Incremental export period from time cannot be less than the table creation time : " +
        IsoSeconds(from_us));
  }
  if (to_us > now_us) {
    throw ApiError::InvalidExportTime(
        "Incremental export period to time cannot be greater than the current time : " +
        IsoSeconds(to_us));
  }
  if (to_us < from_us + kMinWindowUs) {
    throw ApiError::InvalidExportTime(
        "Difference between export period from time and export period to time is less than 15 "
        "minutes");
  }
  if (to_us - from_us > kMaxWindowUs) {
    throw ApiError::InvalidExportTime(
        "Difference between export period from time and export period to time is greater than "
        "24 hours");
  }
  return {std::max(from_us, earliest_us), to_us, request.view_type};
}

}  // namespace tideline::api
