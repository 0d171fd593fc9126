#pragma once
// The web console's own operations (docs/console.md, "The console's read-only endpoint"): what
// the console shows that the DynamoDB API has no operation for. They are POSTs like the API's,
// with X-Amz-Target "TidelineConsole_20261203.<Op>", so they pass the same Host, Origin and
// signature checks. None of them writes, except that VerifyExport's verifier restores temporary
// tables to compare an export with its table (and deletes them). Each is implemented in
// src/api/console_<snake_case_name>.cc like the DynamoDB operations (api/operations.h).

#include <string>
#include <string_view>

#include "api/context.h"
#include "api/operations.h"
#include "json/json.h"

namespace tideline::api {

// The X-Amz-Target prefix of the console's operations.
inline constexpr std::string_view kConsoleTargetPrefix = "TidelineConsole_20261203.";

#define TIDELINE_CONSOLE_OPERATIONS(X) \
  X(ScanAsOf)                          \
  X(GetItemAsOf)                       \
  X(DescribeExportProgress)            \
  X(GetExportManifest)                 \
  X(VerifyExport)                      \
  X(DescribeExportVerification)        \
  X(DescribeServer)

#define TIDELINE_DECLARE_OPERATION(name) std::string Execute##name(Context&, const json::Value&);
TIDELINE_CONSOLE_OPERATIONS(TIDELINE_DECLARE_OPERATION)
#undef TIDELINE_DECLARE_OPERATION

// nullptr for a name that is none of them.
Operation FindConsoleOperation(std::string_view name);

}  // namespace tideline::api
