#pragma once
// The ImportTableDescription of ImportTable/DescribeImport and the ImportSummary of
// ListImports, as AWS fills them (ScyllaDB's measurements against DynamoDB):
//   - the counters (ProcessedItemCount, ImportedItemCount, ErrorCount) are 0 until the import
//     ends: AWS does not report progress;
//   - EndTime appears once the import has ended; ProcessedSizeBytes once it has read something;
//   - FailureCode/FailureMessage only for FAILED;
//   - CloudWatchLogGroupArn always: AWS's log group, whose "<import id>/error" stream Tideline
//     writes as the file <data dir>/import-logs/aws-dynamodb/imports/<import id>/error.

#include <string>

#include "api/context.h"
#include "import/import_record.h"
#include "json/json.h"

namespace tideline::api {

// "arn:aws:logs:<region>:<account>:log-group:/aws-dynamodb/imports:*"
std::string ImportLogGroupArn(const ServerConfig& config);

// {"ImportTableDescription":{...}}
std::string ImportDescriptionResponse(const ServerConfig& config, const importer::ImportRecord& r);
// One ImportSummary object.
void WriteImportSummary(json::Writer& w, const ServerConfig& config,
                        const importer::ImportRecord& r);

}  // namespace tideline::api
