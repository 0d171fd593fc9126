// Scan: every item of the table in hash order; a parallel scan's segment is a slice of the
// 32-bit partition-hash space (the first four bytes of every user key). With IndexName, every
// entry of the index, in the same hash order over index partitions (an index key starts with
// its partition's hash too).

#include <optional>

#include "api/expression_params.h"
#include "api/index_reads.h"
#include "api/item_support.h"
#include "api/key_ranges.h"
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
  const auto index_name = OptString(req, "IndexName");
  const bool consistent = OptBool(req, "ConsistentRead").value_or(false);
  const json::Value* start_key = OptObject(req, "ExclusiveStartKey");
  auto resolver = ResolverFor(req, expr::ParamSet::kScan);
  auto projection = ReadProjection(req, *resolver);
  auto filter = ReadFilter(req, *resolver, "ScanFilter");
  const Select select = ReadSelect(req, projection != nullptr, index_name.has_value(), "Scan");
  resolver->CheckAllUsed();
  auto table = FindTableOrThrow(ctx, *table_name);
  PageOptions options{limit.value_or(0),        filter.get(), projection.get(),
                      select == Select::kCount, consistent,   capacity};
  const storage::IndexMeta* index = nullptr;
  if (index_name) {
    index = &FindIndexOrThrow(*table, *index_name);
    options.index = index;
    if (CheckIndexRead(*table, *index, select, projection.get(), filter.get(), consistent)) {
      options.fetch_from = &ctx.storage;
      options.return_fetched = select == Select::kAllAttributes;
    }
  }

  KeyRange range;
  if (total) {
    model::PartitionSliceBounds(static_cast<uint64_t>(*segment), static_cast<uint64_t>(*total),
                                &range.lower, &range.upper);
  }
  auto check_in_segment = [&](const std::string& start) {
    if (start < range.lower || (!range.upper.empty() && start >= range.upper)) {
      throw ApiError::Validation(
          "The provided Exclusive start key does not map to the provided Segment and "
          "TotalSegments values.");
    }
  };
  ResponseBody response;
  json::Writer& w = response.writer();
  if (!index) {
    if (start_key) {
      const std::string start = StartKeyOf(*start_key, *table);
      check_in_segment(start);
      range.lower = storage::KeyAfter(start);
    }
    auto cursor =
        TablePageCursor(ctx.storage.NewCursor(table->id, ~0ull, range.lower, range.upper));
    WritePage(w, cursor.get(), *table, options);
  } else {
    std::optional<IndexPosition> start;
    if (start_key) {
      start = IndexStartKeyOf(*start_key, *table, *index);
      check_in_segment(start->index_key);
    }
    auto cursor = IndexPageCursor(ctx.storage, *table, *index, std::move(range), false,
                                  start ? &*start : nullptr);
    WritePage(w, cursor.get(), *table, options);
  }
  return response.Finish();
}

}  // namespace tideline::api
