// Conditional updates through Storage::Write, as UpdateItem does them: read the stored item,
// parse it, check a version condition, apply the change, serialize, stage the write, commit.
// Each thread updates its own keys (no two threads touch one item), so any loss of throughput
// from 1 to 2 threads is the cost of the write path's shared locks.
//
//   ninja -C build storage_write_bench && build/storage_write_bench
//
// Figures: bench/README.md ("Storage write path").

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "json/json.h"
#include "model/attribute_value.h"
#include "storage/storage.h"

namespace {

using tideline::Status;
using tideline::storage::LockMode;
using tideline::storage::Storage;
using tideline::storage::StorageOptions;
using tideline::storage::TableMeta;
using tideline::storage::WriteTxn;
namespace model = tideline::model;
namespace json = tideline::json;

constexpr int kKeysPerThread = 10000;
constexpr int kWritesPerWalFlush = 16;  // group commit, as several connections share one flush

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<Storage> storage;
  std::shared_ptr<const TableMeta> table;
};

Fixture& Shared() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    f->dir = std::filesystem::temp_directory_path() /
             ("tideline-write-bench-" + std::to_string(std::random_device{}()));
    StorageOptions options;
    options.data_dir = f->dir.string();
    if (!Storage::Open(options, &f->storage).ok()) std::abort();
    TableMeta meta;
    meta.name = "bench";
    meta.key_schema.hash_name = "pk";
    if (!f->storage->CreateTable(meta, &f->table).ok()) std::abort();
    std::atexit([] {
      Fixture& s = Shared();
      s.storage.reset();
      std::filesystem::remove_all(s.dir);
    });
    return f;
  }();
  return *fixture;
}

// A ~200 B item: its key, a version number and a payload.
model::Item NewItem(const std::string& key) {
  model::Item item;
  item["pk"] = model::AttributeValue::String(key);
  item["v"] = model::AttributeValue::Number("0");
  item["payload"] = model::AttributeValue::String(std::string(150, 'x'));
  return item;
}

void BM_ConditionalUpdate(benchmark::State& state) {
  Fixture& f = Shared();
  static std::atomic<int> run{0};
  const std::string prefix =
      "r" + std::to_string(run.fetch_add(1)) + "-t" + std::to_string(state.thread_index()) + "-";
  std::vector<long> versions(kKeysPerThread, -1);  // -1: not written yet
  long i = 0;
  for (auto _ : state) {
    const int slot = static_cast<int>(i++ % kKeysPerThread);
    const std::string key = prefix + std::to_string(slot);
    bool condition_held = true;
    Status s = f.storage->Write({{f.table->id, key}}, LockMode::kItemWrite, [&](WriteTxn& txn) {
      std::string old_json;
      bool found = false;
      if (!txn.Get(*f.table, key, &old_json, &found).ok()) std::abort();
      model::Item item;
      if (found) {
        json::Document doc;
        std::string error;
        if (!json::Parse(old_json, &doc, &error)) std::abort();
        item = model::ItemFromJson(doc);
      }
      const long stored = found ? std::stol(item["v"].scalar) : -1;
      if (stored != versions[slot]) {  // the condition "v = :expected"
        condition_held = false;
        return;
      }
      if (!found) item = NewItem(key);
      item["v"] = model::AttributeValue::Number(std::to_string(stored + 1));
      txn.Put(*f.table, key, model::ItemToJson(item), model::ItemSize(item));
    });
    if (!s.ok() || !condition_held) {
      state.SkipWithError("a conditional update failed");
      break;
    }
    versions[slot] = versions[slot] + 1;
    if (i % kWritesPerWalFlush == 0 && !f.storage->SyncWal().ok()) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConditionalUpdate)->Threads(1)->Threads(2)->UseRealTime()->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
