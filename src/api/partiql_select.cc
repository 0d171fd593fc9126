// ExecuteStatement's SELECT: one page of key lookups, of a Query or of a Scan. A statement whose
// WHERE pins the whole key of the table (= or IN on the partition key, = on the sort key) is a
// group of GetItems, 10 per page; one whose WHERE pins the partition key (=, IN, OR of =) reads
// those partitions, narrowed by a sort-key condition; any other reads the whole table or index
// (shared/spec/partiql-backups.md §2.1). The whole WHERE is evaluated on every item read, as a
// FilterExpression; Limit counts the items read, or the keys looked up (§2.2).
//
// NextToken (opaque to clients) is base64 of {"f": request fingerprint, "s": partition (or key
// lookup) number, "k": the LastEvaluatedKey inside that partition (absent: start it)}.

#include <algorithm>

#include "api/index_reads.h"
#include "api/key_ranges.h"
#include "api/partiql_statements.h"
#include "api/read_pages.h"
#include "api/response_body.h"
#include "api/status_error.h"
#include "common/api_error.h"
#include "common/base64.h"
#include "expr/value_ops.h"
#include "model/index_key.h"
#include "model/key_codec.h"
#include "partiql/errors.h"
#include "partiql/key_overlap.h"
#include "partiql/plan.h"

namespace tideline::api {

namespace {

using RangeOp = expr::KeyCondition::RangeOp;

// ⚠ DynamoDB Local's messages; AWS's are not recorded.
constexpr const char* kInvalidToken = "Invalid NextToken";
constexpr const char* kTokenMismatch = "NextToken does not match request";

struct Position {
  size_t segment = 0;
  json::Document start_key;  // null: from the segment's start
  bool has_start = false;
};

Position ReadToken(std::string_view token, const std::string& fingerprint) {
  Position p;
  std::string text, error;
  if (token.empty() || token.size() > 32768 || !Base64Decode(token, &text) ||
      !json::Parse(text, &p.start_key, &error) || !p.start_key.IsObject()) {
    throw ApiError::Validation(kInvalidToken);
  }
  const json::Value* f = json::Find(p.start_key, "f");
  const json::Value* s = json::Find(p.start_key, "s");
  if (!f || !f->IsString() || !s || !s->IsUint()) throw ApiError::Validation(kInvalidToken);
  if (json::AsView(*f) != fingerprint) throw ApiError::Validation(kTokenMismatch);
  p.segment = s->GetUint();
  const json::Value* k = json::Find(p.start_key, "k");
  if (k && !k->IsObject()) throw ApiError::Validation(kInvalidToken);
  p.has_start = k != nullptr;
  return p;
}

std::string MakeToken(const std::string& fingerprint, size_t segment, const model::Item* key) {
  json::Buffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  w.Key("f");
  json::WriteString(w, fingerprint);
  w.Key("s");
  w.Uint64(segment);
  if (key) {
    w.Key("k");
    model::WriteItem(w, *key);
  }
  w.EndObject();
  return Base64Encode(std::string_view(buffer.GetString(), buffer.GetSize()));
}

// The key attributes the statement's WHERE is matched against: the table's or the index's
// (an index with a multi-attribute partition key is always scanned).
struct ReadKeys {
  std::string hash, range;
  model::AvType hash_type = model::AvType::kS, range_type = model::AvType::kS;
};
ReadKeys KeysOf(const storage::TableMeta& table, const storage::IndexMeta* index) {
  ReadKeys k;
  if (!index) {
    k.hash = table.key_schema.hash_name;
    k.hash_type = table.key_schema.hash_type;
    k.range = table.key_schema.range_name;
    k.range_type = table.key_schema.range_type;
    return k;
  }
  const model::IndexKeySchema schema = index->key_schema();
  if (schema.hash.size() != 1) return k;
  k.hash = schema.hash[0].name;
  k.hash_type = schema.hash[0].type;
  if (!schema.range.empty()) {
    k.range = schema.range[0].name;
    k.range_type = schema.range[0].type;
  }
  return k;
}

// ORDER BY's rules (⚠ DynamoDB Local's messages) and effects: the partitions' order and
// whether each is read backwards.
void ApplyOrderBy(const partiql::Statement& st, const ReadKeys& keys,
                  std::vector<model::AttributeValue>* partitions, bool* reverse) {
  if (st.order_by.empty()) return;
  if (!st.where) {
    partiql::Invalid("Must have WHERE clause in the statement when using ORDER BY clause.");
  }
  if (partitions->empty()) {
    partiql::Invalid(
        "Must have at least one non-optional hash key condition in WHERE clause when using "
        "ORDER BY clause.");
  }
  bool hash_ordered = false;
  for (const partiql::OrderKey& k : st.order_by) {
    if (k.name == keys.hash) {
      hash_ordered = true;
      std::stable_sort(partitions->begin(), partitions->end(),
                       [&](const model::AttributeValue& a, const model::AttributeValue& b) {
                         int c = expr::CompareScalars(a, b);
                         return k.descending ? c > 0 : c < 0;
                       });
    } else if (!keys.range.empty() && k.name == keys.range) {
      *reverse = k.descending;
    } else {
      partiql::Invalid("Variable reference " + k.name +
                       " in ORDER BY clause must be part of the primary key");
    }
  }
  if (partitions->size() > 1 && !hash_ordered) {
    partiql::Invalid(
        "Must have hash key in ORDER BY clause when more than one hash key condition specified "
        "in WHERE clause.");
  }
}

// The keys of one partition that the sort-key condition selects.
KeyRange PartitionRange(const storage::IndexMeta* index, const storage::TableMeta& table,
                        const model::AttributeValue& hash, const partiql::KeyPredicates& kp,
                        const ReadKeys& keys) {
  const std::string prefix = index ? model::EncodeIndexPartitionPrefix(index->key_schema(), {hash})
                                   : model::EncodePartitionPrefix(hash);
  RangeOp op = kp.range_op;
  // A condition the keys cannot satisfy by range (another type, begins_with on a number) is
  // left to the WHERE evaluation over the whole partition.
  const bool typed = kp.value1.type == keys.range_type &&
                     (op != RangeOp::kBetween || kp.value2.type == keys.range_type) &&
                     (op != RangeOp::kBeginsWith || keys.range_type != model::AvType::kN);
  if (!typed) op = RangeOp::kNone;
  return KeyRangeOf(prefix, op, kp.value1, kp.value2, keys.range_type,
                    index ? KeyEnds::kExtended : KeyEnds::kExact);
}

// "Results are returned in pages of up to 10 items. If the IN list contains more values, you
// must use the NextToken returned in the response to retrieve subsequent pages." (AWS,
// ql-operators). ⚠ Whether a page holds 10 lookups or 10 found items is not documented: a page
// here is 10 lookups (fewer items when keys are absent), as Limit counts lookups too.
constexpr size_t kLookupsPerPage = 10;

// The whole keys of the table that `kp` names, one per partition value, when the SELECT reads
// the table (not an index) and its WHERE pins every key attribute (`=`, IN or an OR of `=` on
// the partition key, `=` on the sort key); nullopt otherwise.
std::optional<std::vector<model::Item>> LookupKeys(const BoundStatement& b,
                                                   const partiql::KeyPredicates& kp) {
  const model::KeySchema& schema = b.table->key_schema;
  if (b.index || kp.hash_values.empty()) return std::nullopt;
  if (!schema.range_name.empty() && kp.range_op != RangeOp::kEq) return std::nullopt;
  std::vector<model::Item> keys;
  // A sort-key value of another type names no item.
  if (!schema.range_name.empty() && kp.value1.type != schema.range_type) return keys;
  for (const model::AttributeValue& hash : kp.hash_values) {
    model::Item key{{schema.hash_name, hash}};
    if (!schema.range_name.empty()) key.emplace(schema.range_name, kp.value1);
    keys.push_back(std::move(key));
  }
  return keys;
}

// One page of a SELECT decomposed into key lookups: each GetItem's read, in the IN list's (or
// ORDER BY's) order; NextToken carries the next lookup's number.
void WriteLookupPage(json::Writer& w, Context& ctx, const BoundStatement& b,
                     const std::vector<model::Item>& keys, const SelectPageRequest& request) {
  size_t first = 0;
  std::string fingerprint;
  if (request.next_token) {
    fingerprint = request.fingerprint();
    first = ReadToken(*request.next_token, fingerprint).segment;
  }
  size_t budget = kLookupsPerPage;
  if (request.limit > 0) budget = std::min(budget, static_cast<size_t>(request.limit));
  double units = 0;
  size_t bytes = 0, next = first;
  w.Key("Items");
  w.StartArray();
  for (; next < keys.size() && next - first < budget && bytes < kPageBytes; ++next) {
    size_t size = 0;
    std::optional<std::string> row = ReadRowAt(ctx, b, keys[next], &size);
    units += ReadUnits(size, request.consistent);
    bytes += size;
    if (row) WriteRawObject(w, *row);
  }
  w.EndArray();
  if (next < keys.size()) {
    if (fingerprint.empty()) fingerprint = request.fingerprint();
    w.Key("NextToken");
    json::WriteString(w, MakeToken(fingerprint, next, nullptr));
  }
  if (request.capacity) WriteConsumedCapacity(w, request.capacity, b.table->name, units);
}

}  // namespace

void WriteSelectPage(json::Writer& w, Context& ctx, const BoundStatement& b,
                     const SelectPageRequest& request) {
  const storage::TableMeta& table = *b.table;
  const partiql::Statement& st = b.st;
  const storage::IndexMeta* index = b.index;
  if (b.key && !request.next_token && st.order_by.empty()) {
    // One item by its whole key: GetItem's read.
    size_t size = 0;
    std::optional<std::string> row = ReadOneRow(ctx, b, &size);
    w.Key("Items");
    w.StartArray();
    if (row) WriteRawObject(w, *row);
    w.EndArray();
    if (request.capacity) {
      WriteConsumedCapacity(w, request.capacity, table.name, ReadUnits(size, request.consistent));
    }
    return;
  }
  if (index && index->global && request.consistent) {
    throw ApiError::Validation(
        "Strongly consistent read is not supported on Global Secondary Indexes");
  }
  const ReadKeys keys = KeysOf(table, index);
  partiql::KeyPredicates kp;
  if (!keys.hash.empty()) {
    partiql::CheckKeyReadsDoNotOverlap(st.where.get(), keys.hash, keys.range);
    kp = partiql::FindKeyPredicates(st.where.get(), keys.hash, keys.range);
  }
  // "IN ... at max 50 hash attribute values" (AWS, ql-operators); ⚠ the message is DynamoDB
  // Local's.
  if (kp.hash_values.size() > 50) {
    throw ApiError::Validation("Too many decomposed read operations for a given query.");
  }
  bool reverse = false;
  ApplyOrderBy(st, keys, &kp.hash_values, &reverse);
  const bool scan = kp.hash_values.empty();
  // A partition key value of another type names no item.
  std::erase_if(kp.hash_values,
                [&](const model::AttributeValue& v) { return v.type != keys.hash_type; });
  if (!scan) {
    if (auto lookups = LookupKeys(b, kp)) return WriteLookupPage(w, ctx, b, *lookups, request);
  }
  const size_t segments = scan ? 1 : kp.hash_values.size();

  PageOptions options;
  options.filter = st.where.get();
  options.consistent = request.consistent;
  options.return_capacity = request.capacity;
  options.index = index;
  options.parse_every_item = !st.select_all;
  std::shared_ptr<const expr::Projection> projection;
  if (index && !scan && index->projection != storage::IndexMeta::Projection::kAll) {
    // A read keyed on the index refuses a filter on what the index does not project (AWS, for
    // GSIs and LSIs alike); unkeyed, or inside an OR, the filter simply sees the entry.
    std::vector<std::string> projected = IndexReadKeyNames(table, *index);
    projected.insert(projected.end(), index->non_key_attributes.begin(),
                     index->non_key_attributes.end());
    std::string missing;
    for (const std::string& name : partiql::ConjunctAttributeNames(st.where.get())) {
      if (std::find(projected.begin(), projected.end(), name) == projected.end())
        missing += (missing.empty() ? "" : ", ") + name;
    }
    if (!missing.empty()) {
      throw ApiError::Validation(
          "One or more parameter values were invalid: Secondary index " + index->name +
          " does not project one or more filter attributes: [" + missing + "]");
    }
  }
  if (index) {
    if (!st.select_all) projection = expr::MakeProjection(st.projection);
    const Select select =
        st.select_all ? Select::kAllProjectedAttributes : Select::kSpecificAttributes;
    // A GSI cannot fetch from the table: a filter on what it does not project sees the entry.
    if (CheckIndexRead(table, *index, select, projection.get(),
                       index->global ? nullptr : st.where.get(), false)) {
      options.fetch_from = &ctx.storage;
    }
  }

  Position pos;
  const std::string fingerprint = request.fingerprint();
  if (request.next_token) pos = ReadToken(*request.next_token, fingerprint);
  PageStats total;
  std::string next_token;
  w.Key("Items");
  w.StartArray();
  auto emit = [&](std::string_view out, const model::Item* item) {
    if (st.select_all)
      WriteRawObject(w, out);
    else
      model::WriteItem(w, partiql::SelectRow(st, *item));
  };
  for (size_t segment = pos.segment; segment < segments; ++segment) {
    const bool resume = segment == pos.segment && pos.has_start;
    if (request.limit > 0 && total.scanned >= request.limit) {
      next_token = MakeToken(fingerprint, segment, nullptr);
      break;
    }
    if (total.bytes >= kPageBytes) {
      next_token = MakeToken(fingerprint, segment, nullptr);
      break;
    }
    options.limit = request.limit > 0 ? request.limit - total.scanned : 0;
    options.max_bytes = kPageBytes - total.bytes;
    KeyRange range;
    if (!scan) range = PartitionRange(index, table, kp.hash_values[segment], kp, keys);
    PageStats stats;
    if (!index) {
      if (resume) {
        const std::string start = StartKeyOf(pos.start_key["k"], table);
        if (!reverse)
          range.lower = std::max(range.lower, storage::KeyAfter(start));
        else
          range.upper = range.upper.empty() ? start : std::min(range.upper, start);
      }
      if (range.upper.empty() || range.lower < range.upper) {
        auto cursor = TablePageCursor(
            ctx.storage.NewCursor(table.id, ~0ull, range.lower, range.upper, reverse));
        stats = ReadPage(cursor.get(), table, options, emit);
      }
    } else {
      std::optional<IndexPosition> start;
      if (resume) start = IndexStartKeyOf(pos.start_key["k"], table, *index);
      if (range.upper.empty() || range.lower < range.upper) {
        auto cursor = IndexPageCursor(ctx.storage, table, *index, std::move(range), reverse,
                                      start ? &*start : nullptr);
        stats = ReadPage(cursor.get(), table, options, emit);
      }
    }
    total.scanned += stats.scanned;
    total.bytes += stats.bytes;
    total.entry_bytes += stats.entry_bytes;
    total.fetch_units += stats.fetch_units;
    if (stats.stopped_early) {
      const model::Item last = PageLastEvaluatedKey(table, options, stats);
      next_token = MakeToken(fingerprint, segment, &last);
      break;
    }
  }
  w.EndArray();
  if (!next_token.empty()) {
    w.Key("NextToken");
    json::WriteString(w, next_token);
  }
  if (request.capacity) WritePageCapacity(w, table, options, total);
}

}  // namespace tideline::api
