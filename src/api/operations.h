#pragma once
// The DynamoDB operations. Each is implemented in src/api/<snake_case_name>.cc as
//   std::string Execute<Name>(Context&, const json::Value& request)
// which validates the request (throwing ApiError with DynamoDB's type and message) and returns
// the response body JSON. FindOperation maps an X-Amz-Target operation name to it.

#include <string>
#include <string_view>

#include "api/context.h"
#include "json/json.h"

namespace tideline::api {

using Operation = std::string (*)(Context&, const json::Value&);

// nullptr for an operation Tideline does not know.
Operation FindOperation(std::string_view name);
// The same for the DynamoDB Streams API (X-Amz-Target "DynamoDBStreams_20120810.<Op>").
Operation FindStreamsOperation(std::string_view name);

#define TIDELINE_OPERATIONS(X) \
  X(CreateTable)               \
  X(DescribeTable)             \
  X(ListTables)                \
  X(DeleteTable)               \
  X(UpdateTable)               \
  X(PutItem)                   \
  X(GetItem)                   \
  X(DeleteItem)                \
  X(UpdateItem)                \
  X(BatchWriteItem)            \
  X(BatchGetItem)              \
  X(Query)                     \
  X(Scan)                      \
  X(DescribeEndpoints)         \
  X(DescribeLimits)            \
  X(TagResource)               \
  X(UntagResource)             \
  X(ListTagsOfResource)        \
  X(DescribeTimeToLive)        \
  X(UpdateTimeToLive)          \
  X(UpdateContinuousBackups)   \
  X(DescribeContinuousBackups) \
  X(ExportTableToPointInTime)  \
  X(RestoreTableToPointInTime) \
  X(DescribeExport)            \
  X(ListExports)               \
  X(ImportTable)               \
  X(DescribeImport)            \
  X(ListImports)               \
  X(TransactWriteItems)        \
  X(TransactGetItems)          \
  X(CreateBackup)              \
  X(DescribeBackup)            \
  X(ListBackups)               \
  X(DeleteBackup)              \
  X(RestoreTableFromBackup)    \
  X(ExecuteStatement)          \
  X(BatchExecuteStatement)     \
  X(ExecuteTransaction)

// The DynamoDB Streams API, served on the same port (src/api/<name>.cc as above).
#define TIDELINE_STREAMS_OPERATIONS(X) \
  X(ListStreams)                       \
  X(DescribeStream)                    \
  X(GetShardIterator)                  \
  X(GetRecords)

#define TIDELINE_DECLARE_OPERATION(name) std::string Execute##name(Context&, const json::Value&);
TIDELINE_OPERATIONS(TIDELINE_DECLARE_OPERATION)
TIDELINE_STREAMS_OPERATIONS(TIDELINE_DECLARE_OPERATION)
#undef TIDELINE_DECLARE_OPERATION

}  // namespace tideline::api
