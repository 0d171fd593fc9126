// ScanAsOf (the console's, read-only): one page of a table's items as they were at a moment of
// its point-in-time recovery window, read through storage's as-of cursor, without restoring.
// Takes TableName, AsOf, and Scan's Limit, ExclusiveStartKey, FilterExpression,
// ExpressionAttributeNames and ExpressionAttributeValues; answers as Scan does (Items, Count,
// ScannedCount, LastEvaluatedKey).

#include "api/console_as_of.h"
#include "api/console_operations.h"
#include "api/expression_params.h"
#include "api/read_pages.h"
#include "api/request.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteScanAsOf(Context& ctx, const json::Value& req) {
  ValidationErrors errors;
  const auto limit = ReadLimit(req, &errors);
  errors.ThrowIfAny();
  auto resolver = ResolverFor(req, expr::ParamSet::kScan);
  auto filter = ReadFilter(req, *resolver, "ScanFilter");
  resolver->CheckAllUsed();
  const AsOfRead read = StartAsOfRead(ctx, req);
  std::string lower;
  if (const json::Value* start_key = OptObject(req, "ExclusiveStartKey")) {
    lower = storage::KeyAfter(StartKeyOf(*start_key, *read.table));
  }
  PageOptions options;
  options.limit = limit.value_or(0);
  options.filter = filter.get();
  auto cursor = TablePageCursor(
      ctx.storage.NewCursor(read.table->id, read.as_of_us, std::move(lower), std::string()));
  ResponseBody response;
  WritePage(response.writer(), cursor.get(), *read.table, options);
  return response.Finish();
}

}  // namespace tideline::api
