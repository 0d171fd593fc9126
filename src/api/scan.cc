// Scan: every item of the table in hash order; a parallel scan's segment is a slice of the
// 32-bit partition-hash space (the first four bytes of every user key).

#include "api/expression_params.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/read_pages.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "model/key_codec.h"
#include "storage/storage.h"

namespace tideline::api {

std::string ExecuteScan(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  auto segment = OptInteger(req, "Segment");
  auto total = OptInteger(req, "TotalSegments");
  ValidationErrors errors;
  CheckTableNameOrArn(table_name, "tableName", &errors);
  const auto limit = ReadLimit(req, &errors);
  if (segment && *segment < 0)
    errors.Add(ValidationErrors::Quote(std::to_string(*segment)), "segment",
               "Member must have value greater than or equal to 0");
  if (segment && *segment > 999999)
    errors.Add(ValidationErrors::Quote(std::to_string(*segment)), "segment",
               "Member must have value less than or equal to 999999");
  if (total && *total < 1)
    errors.Add(ValidationErrors::Quote(std::to_string(*total)), "totalSegments",
               "Member must have value greater than or equal to 1");
  if (total && *total > 1000000)
    errors.Add(ValidationErrors::Quote(std::to_string(*total)), "totalSegments",
               "Member must have value less than or equal to 1000000");
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  if (auto index = OptString(req, "IndexName")) CheckIndexName(*index, "indexName", &errors);
  errors.ThrowIfAny();
  if (segment && !total) {
    throw ApiError::Validation(
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present");
  }
  if (total && !segment) {
    throw ApiError::Validation(
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present");
  }
  if (segment && *segment >= *total) {
    throw ApiError::Validation(
        "The Segment parameter is zero-based and must be less than "
        "parameter TotalSegments: Segment: " +
        std::to_string(*segment) + " is not less than TotalSegments: " + std::to_string(*total));
  }
  if (OptString(req, "IndexName")) {
    FindTableOrThrow(ctx, *table_name);
    throw ApiError::Validation("The table does not have the specified index: " +
                               std::string(*OptString(req, "IndexName")));
  }
  const bool consistent = OptBool(req, "ConsistentRead").value_or(false);
  const json::Value* start_key = OptObject(req, "ExclusiveStartKey");
  auto resolver = ResolverFor(req, expr::ParamSet::kScan);
  auto projection = ReadProjection(req, *resolver);
  auto filter = ReadFilter(req, *resolver, "ScanFilter");
  const bool count_only = ReadSelectCount(req, projection != nullptr);
  resolver->CheckAllUsed();
  auto table = FindTableOrThrow(ctx, *table_name);

  std::string lower, upper;
  if (total) {
    model::PartitionSliceBounds(static_cast<uint64_t>(*segment), static_cast<uint64_t>(*total),
                                &lower, &upper);
  }
  if (start_key) {
    const std::string start = StartKeyOf(*start_key, *table);
    if (start < lower || (!upper.empty() && start >= upper)) {
      throw ApiError::Validation(
          "The provided Exclusive start key does not map to the provided Segment and "
          "TotalSegments values.");
    }
    lower = storage::KeyAfter(start);
  }

  const PageOptions options{limit.value_or(0), filter.get(), projection.get(),
                            count_only,        consistent,   capacity};
  ResponseBody response;
  json::Writer& w = response.writer();
  auto cursor = ctx.storage.NewCursor(table->id, ~0ull, lower, upper);
  WritePage(w, *cursor, *table, options);
  return response.Finish();
}

}  // namespace tideline::api
