// Query: the items of one partition key, in sort-key order (or reversed), narrowed by a
// sort-key condition that becomes a [lower, upper) range of user keys.

#include "api/expression_params.h"
#include "api/item_support.h"
#include "api/operations.h"
#include "api/read_pages.h"
#include "api/response_body.h"
#include "common/api_error.h"
#include "model/key_codec.h"
#include "storage/storage.h"

namespace tideline::api {

namespace {

using RangeOp = expr::KeyCondition::RangeOp;

std::string EncodedRange(const std::string& prefix, const model::AttributeValue& v) {
  std::string k = prefix;
  model::AppendKeyPart(v, &k);
  return k;
}

// The [lower, upper) user-key range of a key condition ("" upper: through the partition end).
void RangeOf(const expr::KeyCondition& kc, const model::KeySchema& schema, std::string* lower,
             std::string* upper) {
  const std::string prefix = model::EncodePartitionPrefix(kc.hash_value);
  const std::string end = PrefixEnd(prefix);
  *lower = prefix;
  *upper = end;
  switch (kc.op) {
    case RangeOp::kNone:
      break;
    case RangeOp::kEq:
      *lower = EncodedRange(prefix, kc.value1);
      *upper = storage::KeyAfter(*lower);
      break;
    case RangeOp::kLt:
      *upper = EncodedRange(prefix, kc.value1);
      break;
    case RangeOp::kLe:
      *upper = storage::KeyAfter(EncodedRange(prefix, kc.value1));
      break;
    case RangeOp::kGt:
      *lower = storage::KeyAfter(EncodedRange(prefix, kc.value1));
      break;
    case RangeOp::kGe:
      *lower = EncodedRange(prefix, kc.value1);
      break;
    case RangeOp::kBetween: {
      std::string a = EncodedRange(prefix, kc.value1), b = EncodedRange(prefix, kc.value2);
      if (a > b) {
        throw ApiError::Validation(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            "greater than or equal to lower bound; lower bound operand: AttributeValue: {" +
            std::string(model::AvTypeName(kc.value1.type)) + ":" + kc.value1.scalar +
            "}, upper bound operand: AttributeValue: {" +
            std::string(model::AvTypeName(kc.value2.type)) + ":" + kc.value2.scalar + "}");
      }
      *lower = std::move(a);
      *upper = storage::KeyAfter(b);
      break;
    }
    case RangeOp::kBeginsWith: {
      if (schema.range_type == model::AvType::kN) {
        throw ApiError::Validation(
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
      }
      // Strings and binaries encode as escaped bytes + a 2-byte terminator: every value that
      // starts with v encodes to something starting with escaped(v).
      std::string k = EncodedRange(prefix, kc.value1);
      k.resize(k.size() - 2);
      *lower = k;
      *upper = PrefixEnd(k);
      break;
    }
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
  if (auto index = OptString(req, "IndexName")) CheckIndexName(*index, "indexName", &errors);
  errors.ThrowIfAny();
  if (OptString(req, "IndexName")) {
    auto table = FindTableOrThrow(ctx, *table_name);
    throw ApiError::Validation("The table does not have the specified index: " +
                               std::string(*OptString(req, "IndexName")));
  }
  const bool forward = OptBool(req, "ScanIndexForward").value_or(true);
  const bool consistent = OptBool(req, "ConsistentRead").value_or(false);
  const json::Value* start_key = OptObject(req, "ExclusiveStartKey");

  auto resolver = ResolverFor(req, expr::ParamSet::kQuery);
  auto projection = ReadProjection(req, *resolver);
  auto filter = ReadFilter(req, *resolver, "QueryFilter");
  const bool count_only = ReadSelectCount(req, projection != nullptr);
  auto table = FindTableOrThrow(ctx, *table_name);
  expr::KeyCondition kc = ReadKeyCondition(req, *resolver, table->key_schema);
  resolver->CheckAllUsed();
  if (filter) expr::CheckFilterUsesNoKeyAttributes(*filter, table->key_schema);

  std::string lower, upper;
  RangeOf(kc, table->key_schema, &lower, &upper);
  if (start_key) {
    // DynamoDB's checks of a starting key against the query, in this order (dynalite's query
    // tests, recorded against AWS).
    const std::string start = StartKeyOf(*start_key, *table);
    if (table->key_schema.range_name.empty() || kc.op == RangeOp::kEq) {
      throw ApiError::Validation("The query can return at most one row and cannot be restarted");
    }
    const std::string prefix = model::EncodePartitionPrefix(kc.hash_value);
    if (start.compare(0, prefix.size(), prefix) != 0) {
      throw ApiError::Validation(
          "The provided starting key is outside query boundaries based on provided conditions");
    }
    if (start < lower || (!upper.empty() && start >= upper)) {
      throw ApiError::Validation(
          "The provided starting key does not match the range key predicate");
    }
    if (forward)
      lower = std::max(lower, storage::KeyAfter(start));
    else
      upper = std::min(upper, start);
  }

  const PageOptions options{limit.value_or(0), filter.get(), projection.get(),
                            count_only,        consistent,   capacity};
  ResponseBody response;
  json::Writer& w = response.writer();
  if (lower < upper || upper.empty()) {
    auto cursor = ctx.storage.NewCursor(table->id, ~0ull, lower, upper, !forward);
    WritePage(w, *cursor, *table, options);
  } else {
    if (!count_only) {
      w.Key("Items");
      w.StartArray();
      w.EndArray();
    }
    w.Key("Count");
    w.Int(0);
    w.Key("ScannedCount");
    w.Int(0);
    // A key condition no item can satisfy still costs the minimum read.
    if (capacity) WriteConsumedCapacity(w, capacity, table->name, ReadUnits(0, consistent));
  }
  return response.Finish();
}

}  // namespace tideline::api
