// Query: the items of one partition key, in sort-key order (or reversed), narrowed by a
// sort-key condition that becomes a [lower, upper) range of user keys; with IndexName, the
// entries of one index partition, in index-key order (api/index_reads.h).

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

namespace {

using RangeOp = expr::KeyCondition::RangeOp;

// A page of the table's items.
void QueryTable(json::Writer& w, Context& ctx, const json::Value& req,
                const storage::TableMeta& table, expr::AttributeResolver& resolver,
                const json::Value* start_key, bool forward, const PageOptions& options) {
  expr::KeyCondition kc = ReadKeyCondition(req, resolver, table.key_schema);
  resolver.CheckAllUsed();
  if (options.filter) expr::CheckFilterUsesNoKeyAttributes(*options.filter, table.key_schema);

  const std::string prefix = model::EncodePartitionPrefix(kc.hash_value);
  KeyRange range =
      KeyRangeOf(prefix, kc.op, kc.value1, kc.value2, table.key_schema.range_type, KeyEnds::kExact);
  if (start_key) {
    // DynamoDB's checks of a starting key against the query, in this order (dynalite's query
    // tests, recorded against AWS).
    const std::string start = StartKeyOf(*start_key, table);
    if (table.key_schema.range_name.empty() || kc.op == RangeOp::kEq) {
      throw ApiError::Validation("The query can return at most one row and cannot be restarted");
    }
    if (start.compare(0, prefix.size(), prefix) != 0) {
      throw ApiError::Validation(
          "The provided starting key is outside query boundaries based on provided conditions");
    }
    if (start < range.lower || (!range.upper.empty() && start >= range.upper)) {
      throw ApiError::Validation(
          "The provided starting key does not match the range key predicate");
    }
    if (forward)
      range.lower = std::max(range.lower, storage::KeyAfter(start));
    else
      range.upper = std::min(range.upper, start);
  }
  if (range.lower < range.upper || range.upper.empty()) {
    auto cursor =
        TablePageCursor(ctx.storage.NewCursor(table.id, ~0ull, range.lower, range.upper, !forward));
    WritePage(w, cursor.get(), table, options);
  } else {
    WritePage(w, nullptr, table, options);
  }
}

// A page of an index's entries. Index keys are not unique, so every query may be restarted.
void QueryIndex(json::Writer& w, Context& ctx, const json::Value& req,
                const storage::TableMeta& table, const storage::IndexMeta& index,
                expr::AttributeResolver& resolver, const json::Value* start_key, bool forward,
                const PageOptions& options) {
  const model::IndexKeySchema schema = index.key_schema();
  expr::CompositeKeyCondition kc = ReadIndexKeyCondition(req, resolver, schema);
  resolver.CheckAllUsed();
  if (options.filter) expr::CheckFilterUsesNoKeyAttributes(*options.filter, IndexKeyNames(index));

  const std::string partition = model::EncodeIndexPartitionPrefix(schema, kc.hash_values);
  std::string prefix = partition;
  for (const model::AttributeValue& v : kc.range_equal) model::AppendKeyPart(v, &prefix);
  const model::AvType type = kc.range_equal.size() < schema.range.size()
                                 ? schema.range[kc.range_equal.size()].type
                                 : model::AvType::kS;
  const KeyRange range = KeyRangeOf(prefix, kc.op, kc.value1, kc.value2, type, KeyEnds::kExtended);
  std::optional<IndexPosition> start;
  if (start_key) {
    start = IndexStartKeyOf(*start_key, table, index);
    if (start->index_key.compare(0, partition.size(), partition) != 0) {
      throw ApiError::Validation(
          "The provided starting key is outside query boundaries based on provided conditions");
    }
    if (start->index_key < range.lower ||
        (!range.upper.empty() && start->index_key >= range.upper)) {
      throw ApiError::Validation(
          "The provided starting key does not match the range key predicate");
    }
  }
  if (range.lower < range.upper || range.upper.empty()) {
    auto cursor =
        IndexPageCursor(ctx.storage, table, index, range, !forward, start ? &*start : nullptr);
    WritePage(w, cursor.get(), table, options);
  } else {
    WritePage(w, nullptr, table, options);
  }
}

}  // namespace

std::string ExecuteQuery(Context& ctx, const json::Value& req) {
  auto table_name = OptString(req, "TableName");
  ValidationErrors errors;
  CheckTableNameOrArn(table_name, "tableName", &errors);
  const auto limit = ReadLimit(req, &errors);
  const ReturnCapacity capacity = ReadReturnConsumedCapacity(req, &errors);
  // Members of the wrong JSON type are rejected before any table is looked up.
  for (const char* member : {"KeyConditionExpression", "FilterExpression", "ProjectionExpression",
                             "Select", "IndexName"}) {
    OptString(req, member);
  }
  for (const char* member : {"KeyConditions", "QueryFilter", "ExclusiveStartKey",
                             "ExpressionAttributeNames", "ExpressionAttributeValues"}) {
    OptObject(req, member);
  }
  const auto index_name = OptString(req, "IndexName");
  if (index_name) CheckIndexName(*index_name, "indexName", &errors);
  errors.ThrowIfAny();
  const bool forward = OptBool(req, "ScanIndexForward").value_or(true);
  const bool consistent = OptBool(req, "ConsistentRead").value_or(false);
  const json::Value* start_key = OptObject(req, "ExclusiveStartKey");

  auto resolver = ResolverFor(req, expr::ParamSet::kQuery);
  auto projection = ReadProjection(req, *resolver);
  auto filter = ReadFilter(req, *resolver, "QueryFilter");
  const Select select = ReadSelect(req, projection != nullptr, index_name.has_value(), "Query");
  auto table = FindTableOrThrow(ctx, *table_name);
  PageOptions options{limit.value_or(0),        filter.get(), projection.get(),
                      select == Select::kCount, consistent,   capacity};

  ResponseBody response;
  json::Writer& w = response.writer();
  if (!index_name) {
    QueryTable(w, ctx, req, *table, *resolver, start_key, forward, options);
  } else {
    const storage::IndexMeta& index = FindIndexOrThrow(*table, *index_name);
    options.index = &index;
    if (CheckIndexRead(*table, index, select, projection.get(), filter.get(), consistent)) {
      options.fetch_from = &ctx.storage;
      options.return_fetched = select == Select::kAllAttributes;
    }
    QueryIndex(w, ctx, req, *table, index, *resolver, start_key, forward, options);
  }
  return response.Finish();
}

}  // namespace tideline::api
