// Scan: every item of the table in hash order; a parallel scan's segment is a slice of the
// 32-bit partition-hash space (the first four bytes of every user key).

#include "api/expression_params.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/read_pages.h"
#include "common/api_error.h"
#include "model/key_codec.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

std::string HashBound(uint64_t h) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((h >> (24 - 8 * i)) & 0xff);
  return s;
}

}  // namespace

std::string ExecuteScan(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  auto limit = OptInt(req, "Limit");
  auto segment = OptInt(req, "Segment");
  auto total = OptInt(req, "TotalSegments");
  ValidationErrors errors;
  CheckTableNameOrArn(table_name, "tableName", &errors);
  if (limit && *limit < 1)
    errors.Add(ValidationErrors::Quote(std::to_string(*limit)), "limit",
               "Member must have value greater than or equal to 1");
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
  const bool capacity = ReadReturnConsumedCapacity(req, &errors);
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
    throw ApiError::Validation("The Segment parameter is zero-based and must be less than "
                               "parameter TotalSegments: Segment: " + std::to_string(*segment) +
                               " is not less than TotalSegments: " + std::to_string(*total));
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
    const uint64_t space = 1ull << 32;
    lower = HashBound(space * static_cast<uint64_t>(*segment) / static_cast<uint64_t>(*total));
    if (*segment + 1 < *total) {
      upper = HashBound(space * static_cast<uint64_t>(*segment + 1) /
                        static_cast<uint64_t>(*total));
    }
  }
  if (start_key) {
    std::string start;
    try {
      start = model::KeyOfKeyMap(table->key_schema, model::ItemFromJson(*start_key));
    } catch (const ApiError& e) {
      throw ApiError::Validation("The provided starting key is invalid: " + e.message());
    }
    if (start < lower || (!upper.empty() && start >= upper)) {
      throw ApiError::Validation(
          "The provided starting key is invalid: The provided key element does not match the "
          "scan segment");
    }
    lower = storage::KeyAfter(start);
  }

  PageOptions options;
  options.limit = limit.value_or(0);
  options.filter = filter.get();
  options.projection = projection.get();
  options.count_only = count_only;
  options.consistent = consistent;
  options.return_capacity = capacity;
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  auto cursor = ctx.storage.NewCursor(table->id, ~0ull, lower, upper);
  WritePage(w, *cursor, *table, options);
  w.EndObject();
  return Finish(buf);
}

}  // namespace tideline::api
