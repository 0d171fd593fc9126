// Backfill of a new GSI over a loaded table, at the storage level (what UpdateTable's
// GlobalSecondaryIndexUpdates Create runs): time until ACTIVE and the memory it takes.
//
//   ninja -C build index_backfill_bench && build/index_backfill_bench [items] [writer]
//
// Loads `items` (default 1,000,000) items of about 200 bytes with a BulkLoader, adds a GSI on
// two of their attributes (projection ALL), starts the backfill and waits for ACTIVE. Reports
// the backfill's wall time and the peak RSS during it over the RSS before it (VmHWM after
// resetting it). With `writer` = 1, a thread keeps writing items meanwhile and reports its
// slowest commit, which shows whether the backfill stalls writes.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "model/attribute_value.h"
#include "model/key_codec.h"
#include "storage/bulk_load.h"
#include "storage/storage.h"

using namespace tideline;

namespace {

// CPU seconds (user + system) of the whole process so far: on a shared machine the wall time
// of a run depends on the other load, its CPU time much less.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int64_t StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(std::string(field).size()));
  }
  return 0;
}

model::Item MakeItem(uint64_t i) {
  model::Item item;
  item["pk"] = model::AttributeValue::String("user#" + std::to_string(i));
  item["sk"] = model::AttributeValue::String("profile");
  item["email"] = model::AttributeValue::String("u" + std::to_string(i) + "@example.com");
  item["city"] = model::AttributeValue::String("city" + std::to_string(i % 1000));
  item["created"] = model::AttributeValue::Number(std::to_string(1700000000 + i));
  item["bio"] = model::AttributeValue::String(std::string(110, 'b'));
  return item;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t items = argc > 1 ? std::stoull(argv[1]) : 1000000;
  const bool writer = argc > 2 && std::string(argv[2]) == "1";
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tideline-backfill-bench-" + std::to_string(std::random_device{}()));
  std::unique_ptr<storage::Storage> storage;
  storage::StorageOptions options;
  options.data_dir = dir.string();
  if (!storage::Storage::Open(options, &storage).ok()) return 1;
  storage::TableMeta meta;
  meta.name = "bench";
  meta.key_schema = {"pk", model::AvType::kS, "sk", model::AvType::kS};
  std::shared_ptr<const storage::TableMeta> table;
  if (!storage->CreateTable(meta, &table).ok()) return 1;

  // Load in key order (the bulk loader needs it): encode, sort, add.
  std::vector<std::pair<std::string, std::string>> rows;
  rows.reserve(items);
  size_t bytes = 0;
  for (uint64_t i = 0; i < items; ++i) {
    model::Item item = MakeItem(i);
    bytes += model::ItemSize(item);
    rows.emplace_back(model::KeyOfItem(table->key_schema, item), model::ItemToJson(item));
  }
  std::sort(rows.begin(), rows.end());
  std::unique_ptr<storage::BulkLoader> loader;
  if (!storage::BulkLoader::Start(*storage, *table, {}, &loader).ok()) return 1;
  for (const auto& [key, json] : rows) {
    if (!loader->Add(key, json, bytes / items).ok()) return 1;
  }
  if (!loader->Finish().ok()) return 1;
  rows.clear();
  rows.shrink_to_fit();
  std::printf("loaded %llu items, %.0f bytes each\n", static_cast<unsigned long long>(items),
              static_cast<double>(bytes) / items);

  storage::TableMeta updated = *storage->FindTable("bench");
  storage::IndexMeta ix;
  ix.name = "by_city";
  ix.id = updated.next_index_id++;
  ix.hash = {{"city", model::AvType::kS}};
  ix.range = {{"created", model::AvType::kN}};
  ix.status = "CREATING";
  updated.indexes.push_back(ix);
  if (!storage->UpdateTable(updated, &table).ok()) return 1;

  std::atomic<bool> done{false};
  std::thread write_thread;
  std::atomic<int64_t> writes{0}, slowest_us{0};
  if (writer) {
    write_thread = std::thread([&] {
      uint64_t i = items;
      while (!done) {
        model::Item item = MakeItem(i++);
        const std::string key = model::KeyOfItem(table->key_schema, item);
        const std::string json = model::ItemToJson(item);
        const auto t0 = std::chrono::steady_clock::now();
        (void)storage->Write({{table->id, key}}, storage::LockMode::kItemWrite,
                             [&](storage::WriteTxn& txn) { txn.Put(*table, key, json, 200); });
        const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - t0)
                               .count();
        if (us > slowest_us) slowest_us = us;
        ++writes;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
  }
  std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
  const int64_t idle_kb = StatusKb("VmRSS:");
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  if (!storage->StartIndexBackfill(table->id, ix.id).ok()) return 1;
  for (;;) {
    auto t = storage->FindTable("bench");
    if (t->indexes.back().status == "ACTIVE") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;
  const int64_t peak_kb = StatusKb("VmHWM:");
  done = true;
  if (write_thread.joinable()) write_thread.join();
  const auto stats = storage->IndexStats(table->id, ix.id);
  std::printf("backfill of %lld entries: %.2f s (CPU %.2f s), peak RSS %lld MB over %lld MB before\n",
              static_cast<long long>(stats.item_count), seconds, cpu,
              static_cast<long long>((peak_kb - idle_kb) / 1024),
              static_cast<long long>(idle_kb / 1024));
  if (writer) {
    std::printf("concurrent writes: %lld, slowest commit %lld us\n",
                static_cast<long long>(writes.load()), static_cast<long long>(slowest_us.load()));
  }
  storage.reset();
  std::filesystem::remove_all(dir);
  return stats.item_count == static_cast<int64_t>(items) || writer ? 0 : 1;
}
