// Storage::NewChangeCursor: the items changed during [from, to), with the versions visible just
// before the window and at its end (what an incremental export writes).

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "storage/storage.h"
#include "storage_fixture.h"

namespace tideline::storage {
namespace {

class ChangeCursorTest : public StorageFixture {
 protected:
  void SetPitr(bool enabled) {
    TableMeta meta = *table_;
    meta.pitr_enabled = enabled;
    ASSERT_TRUE(storage_->UpdateTable(meta, &table_).ok());
  }
  uint64_t Put(const std::string& key, const std::string& json) {
    uint64_t ts = 0;
    EXPECT_TRUE(storage_
                    ->Write(
                        {{table_->id, key}}, LockMode::kItemWrite,
                        [&](WriteTxn& txn) { txn.Put(*table_, key, json, json.size()); }, &ts)
                    .ok());
    return ts;
  }
  uint64_t Del(const std::string& key) {
    uint64_t ts = 0;
    EXPECT_TRUE(storage_
                    ->Write(
                        {{table_->id, key}}, LockMode::kItemWrite,
                        [&](WriteTxn& txn) { txn.Delete(*table_, key); }, &ts)
                    .ok());
    return ts;
  }
  std::string GetAt(const std::string& key, uint64_t ts) {
    std::string json;
    bool found = false;
    EXPECT_TRUE(storage_->Get(table_->id, key, ts, &json, &found).ok());
    return found ? json : "-";
  }
  // "key:old>new@ts" per changed key, "-" for an absent image.
  std::vector<std::string> Changes(uint64_t from, uint64_t to, std::string lower = "",
                                   std::string upper = "") {
    std::vector<std::string> out;
    auto c = storage_->NewChangeCursor(table_->id, from, to, lower, upper);
    for (; c->Valid(); c->Next()) {
      std::string line(c->user_key());
      line += ":" + (c->has_old() ? std::string(c->old_json()) : "-");
      line += ">" + (c->has_new() ? std::string(c->new_json()) : "-");
      line += "@" + std::to_string(c->last_change_ts());
      if (c->has_new()) {
        EXPECT_EQ(c->new_size(), c->new_json().size());
      }
      if (c->has_old()) {
        EXPECT_EQ(c->old_size(), c->old_json().size());
      }
      out.push_back(line);
    }
    EXPECT_TRUE(c->status().ok()) << c->status().ToString();
    return out;
  }
  static std::string At(uint64_t ts) { return "@" + std::to_string(ts); }
};

TEST_F(ChangeCursorTest, EachKindOfChangeInsideTheWindowGivesOneCompactedRecord) {
  SetPitr(true);
  Put("a", "a1");  // unchanged in the window
  Put("u", "u1");  // updated twice in the window
  Put("d", "d1");  // deleted in the window
  const uint64_t from = storage_->Now() + 1;
  const uint64_t ti = Put("i", "i1");  // inserted in the window
  const uint64_t tu2 = Put("u", "u2");
  const uint64_t tu = Put("u", "u3");
  const uint64_t td = Del("d");
  Put("x", "x1");  // inserted and deleted in the window: both images absent
  const uint64_t tx = Del("x");
  const uint64_t to = storage_->Now() + 1;
  Put("u", "u4");  // after the window: not seen
  Put("a", "a2");
  Put("n", "n1");
  EXPECT_EQ(Changes(from, to), std::vector<std::string>({"d:d1>-" + At(td), "i:->i1" + At(ti),
                                                         "u:u1>u3" + At(tu), "x:->-" + At(tx)}));
  // Bounds: [lower, upper) over user keys.
  EXPECT_EQ(Changes(from, to, "e", "v"),
            std::vector<std::string>({"i:->i1" + At(ti), "u:u1>u3" + At(tu)}));
  // `from` is inclusive and `to` exclusive.
  EXPECT_EQ(Changes(ti, ti + 1), std::vector<std::string>({"i:->i1" + At(ti)}));
  EXPECT_EQ(Changes(ti + 1, tu), std::vector<std::string>({"u:u1>u2" + At(tu2)}));
  EXPECT_TRUE(Changes(to, to).empty());
}

TEST_F(ChangeCursorTest, APinAtFromMinusOneKeepsTheOldImagesWithPitrOff) {
  Put("k", "v1");
  Put("g", "g1");
  const uint64_t from = storage_->Now() + 1;
  auto pin = storage_->PinHistory(table_->id, from - 1);
  const uint64_t t2 = Put("k", "v2");
  const uint64_t t3 = Del("g");
  const uint64_t to = storage_->Now() + 1;
  ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
  EXPECT_EQ(Changes(from, to), std::vector<std::string>({"g:g1>-" + At(t3), "k:v1>v2" + At(t2)}));
}

// For random workloads and windows, the cursor agrees with point reads as of from - 1 and
// to - 1: exactly the keys with a version committed in the window, with those two images.
TEST_F(ChangeCursorTest, AgreesWithPointReadsForRandomWorkloadsAndWindows) {
  SetPitr(true);
  std::mt19937 rng(20261203);
  std::vector<std::string> keys;
  for (int i = 0; i < 24; ++i) keys.push_back("k" + std::to_string(10 + i));
  std::map<std::string, std::vector<uint64_t>> commits;  // per key, its commit timestamps
  std::vector<uint64_t> all_ts;
  std::map<std::string, bool> present;
  for (int op = 0; op < 600; ++op) {
    const std::string& key = keys[rng() % keys.size()];
    // Deleting an absent item changes nothing (and is no change to export).
    const bool del = rng() % 4 == 0;
    if (del && !present[key]) continue;
    const uint64_t ts = del ? Del(key) : Put(key, key + "v" + std::to_string(op));
    present[key] = !del;
    commits[key].push_back(ts);
    all_ts.push_back(ts);
    if (op == 300) {
      ASSERT_TRUE(storage_->CompactTable(table_->id).ok());
    }
  }
  for (int trial = 0; trial < 60; ++trial) {
    uint64_t a = all_ts[rng() % all_ts.size()] + rng() % 3;
    uint64_t b = all_ts[rng() % all_ts.size()] + rng() % 3;
    if (a > b) std::swap(a, b);
    std::vector<std::string> expected;
    for (const auto& key : keys) {
      uint64_t last = 0;
      for (uint64_t ts : commits[key]) {
        if (ts >= a && ts < b) last = ts;
      }
      if (last == 0) continue;
      expected.push_back(key + ":" + GetAt(key, a - 1) + ">" + GetAt(key, b - 1) + At(last));
    }
    ASSERT_EQ(Changes(a, b), expected) << "window [" << a << ", " << b << ")";
  }
}

}  // namespace
}  // namespace tideline::storage
