#pragma once
// The answer of the console's VerifyExport and DescribeExportVerification: {"ExportArn",
// "VerificationStatus": "NOT_VERIFIED" | "IN_PROGRESS" | "PASSED" | "FAILED" | "UNAVAILABLE",
// and once one has started "Message" (the verifier's verdict line, or why it could not run or
// finish; absent while in progress), "StartTime", "EndTime" (epoch seconds), "AgainstTable"
// (when the table comparison was asked for), "TableCompared" (whether it reached a verdict),
// "TableComparisonNote" (why it was not asked for)}.

#include <optional>
#include <string>

#include "verify/verification.h"

namespace tideline::api {

std::string ExportVerificationResponse(const std::string& export_arn,
                                       const std::optional<verify::VerificationState>& state);

}  // namespace tideline::api
