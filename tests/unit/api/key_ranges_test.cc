// Key ranges of index queries: which index entries a key condition's [lower, upper) selects,
// for multi-attribute keys, with entries stored as index_key + table user key (ties).

#include "api/key_ranges.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/api_error.h"
#include "model/index_key.h"
#include "model/key_codec.h"

namespace tideline::api {
namespace {

using model::AttributeValue;
using model::AvType;
using RangeOp = expr::KeyCondition::RangeOp;

AttributeValue S(std::string v) {
  AttributeValue a;
  a.type = AvType::kS;
  a.scalar = std::move(v);
  return a;
}
AttributeValue N(std::string v) {
  AttributeValue a;
  a.type = AvType::kN;
  a.scalar = std::move(v);
  return a;
}

// h (S) HASH; a (N), b (S) RANGE.
const model::IndexKeySchema kSchema{{{"h", AvType::kS}}, {{"a", AvType::kN}, {"b", AvType::kS}}};

struct Entry {
  std::string name;
  std::string key;  // index key + a table key, as storage orders ties
};

std::vector<Entry> Entries() {
  struct Row {
    const char* name;
    const char* h;
    const char* a;
    const char* b;
  } rows[] = {{"o-1-x", "o", "1", "x"},   {"o-1-xy", "o", "1", "xy"}, {"o-2-a", "o", "2", "a"},
              {"o-10-a", "o", "10", "a"}, {"o-10-b", "o", "10", "b"}, {"p-1-x", "p", "1", "x"}};
  std::vector<Entry> out;
  for (const Row& r : rows) {
    std::string k = model::EncodeIndexPartitionPrefix(kSchema, {S(r.h)});
    model::AppendKeyPart(N(r.a), &k);
    model::AppendKeyPart(S(r.b), &k);
    for (const char* table_key : {"\x01tk", "\xfftk"}) out.push_back({r.name, k + table_key});
  }
  return out;
}

// The distinct entry names inside the range of `op` on `a` after equality on h (and `a` when
// a_equal is set, the condition then applying to b).
std::vector<std::string> Select(RangeOp op, AttributeValue v1, AttributeValue v2 = {},
                                const AttributeValue* a_equal = nullptr) {
  std::string prefix = model::EncodeIndexPartitionPrefix(kSchema, {S("o")});
  AvType type = AvType::kN;
  if (a_equal) {
    model::AppendKeyPart(*a_equal, &prefix);
    type = AvType::kS;
  }
  KeyRange r = KeyRangeOf(prefix, op, v1, v2, type, KeyEnds::kExtended);
  std::vector<std::string> names;
  for (const Entry& e : Entries()) {
    if (e.key < r.lower || (!r.upper.empty() && e.key >= r.upper)) continue;
    if (names.empty() || names.back() != e.name) names.push_back(e.name);
  }
  return names;
}

using Names = std::vector<std::string>;

TEST(KeyRangesTest, IndexPartitionAndFirstRangeAttribute) {
  EXPECT_EQ(Select(RangeOp::kNone, {}), (Names{"o-1-x", "o-1-xy", "o-2-a", "o-10-a", "o-10-b"}));
  EXPECT_EQ(Select(RangeOp::kEq, N("10")), (Names{"o-10-a", "o-10-b"}));
  EXPECT_EQ(Select(RangeOp::kLt, N("10")), (Names{"o-1-x", "o-1-xy", "o-2-a"}));
  EXPECT_EQ(Select(RangeOp::kLe, N("2")), (Names{"o-1-x", "o-1-xy", "o-2-a"}));
  EXPECT_EQ(Select(RangeOp::kGt, N("1")), (Names{"o-2-a", "o-10-a", "o-10-b"}));
  EXPECT_EQ(Select(RangeOp::kGe, N("2")), (Names{"o-2-a", "o-10-a", "o-10-b"}));
  EXPECT_EQ(Select(RangeOp::kBetween, N("2"), N("10")), (Names{"o-2-a", "o-10-a", "o-10-b"}));
}

TEST(KeyRangesTest, ConditionAfterAnEqualityPrefix) {
  const AttributeValue one = N("1");
  EXPECT_EQ(Select(RangeOp::kEq, S("x"), {}, &one), (Names{"o-1-x"}));
  EXPECT_EQ(Select(RangeOp::kBeginsWith, S("x"), {}, &one), (Names{"o-1-x", "o-1-xy"}));
  EXPECT_EQ(Select(RangeOp::kGt, S("x"), {}, &one), (Names{"o-1-xy"}));
  EXPECT_EQ(Select(RangeOp::kLe, S("x"), {}, &one), (Names{"o-1-x"}));
}

TEST(KeyRangesTest, Errors) {
  EXPECT_THROW(Select(RangeOp::kBetween, N("10"), N("2")), ApiError);
  EXPECT_THROW(Select(RangeOp::kBeginsWith, N("1")), ApiError);
}

}  // namespace
}  // namespace tideline::api
