#include "import/sorted_items.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace tideline::importer {
namespace {

struct Drained {
  std::vector<std::string> keys;
  std::vector<std::string> jsons;
  std::vector<uint32_t> sizes;
};

Drained DrainAll(SortedItems& sorted) {
  Drained d;
  Status s = sorted.Drain([&](std::string_view k, std::string_view j, uint32_t size) {
    d.keys.emplace_back(k);
    d.jsons.emplace_back(j);
    d.sizes.push_back(size);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return d;
}

class SortedItemsTest : public ::testing::TestWithParam<uint64_t> {
 protected:
  std::string dir_ =
      ::testing::TempDir() + "/sorted_items_" + std::to_string(std::random_device{}());
  void TearDown() override { std::filesystem::remove_all(dir_); }
};

// Random keys with duplicates, in memory (a large run) and spilled to many runs (a tiny one):
// every distinct key once, ascending, the value added last.
TEST_P(SortedItemsTest, AscendingDistinctKeysLastValueWins) {
  std::mt19937 rng(7);
  std::map<std::string, std::string> expected;
  {
    SortedItems sorted(dir_, GetParam());
    for (int i = 0; i < 5000; ++i) {
      std::string key = "k" + std::to_string(rng() % 1500);
      key.push_back('\0');  // keys are bytes, not C strings
      const std::string json = "v" + std::to_string(i);
      ASSERT_TRUE(sorted.Add(key, json, static_cast<uint32_t>(i)).ok());
      expected[key] = json;
    }
    if (GetParam() < 1000) {
      EXPECT_GT(sorted.runs(), 10u);
    }
    const Drained d = DrainAll(sorted);
    ASSERT_EQ(d.keys.size(), expected.size());
    size_t i = 0;
    for (const auto& [key, json] : expected) {
      EXPECT_EQ(d.keys[i], key);
      EXPECT_EQ(d.jsons[i], json);
      EXPECT_EQ("v" + std::to_string(d.sizes[i]), json);
      ++i;
    }
  }
  // The run files are gone with the sorter.
  EXPECT_TRUE(!std::filesystem::exists(dir_) || std::filesystem::is_empty(dir_));
}

INSTANTIATE_TEST_SUITE_P(RunSizes, SortedItemsTest, ::testing::Values(1ull << 30, 4096, 512));

TEST(SortedItemsEmptyTest, NothingAddedDrainsNothing) {
  SortedItems sorted(::testing::TempDir() + "/sorted_items_empty", 1 << 20);
  EXPECT_TRUE(DrainAll(sorted).keys.empty());
}

TEST(SortedItemsErrorTest, DrainStopsAtTheFirstError) {
  SortedItems sorted(::testing::TempDir() + "/sorted_items_error", 1 << 20);
  for (const char* k : {"a", "b", "c"}) ASSERT_TRUE(sorted.Add(k, "{}", 2).ok());
  int calls = 0;
  Status s = sorted.Drain([&](std::string_view, std::string_view, uint32_t) {
    return ++calls == 2 ? Status::IOError("stop") : Status::OK();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace tideline::importer
