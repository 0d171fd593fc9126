#pragma once
// SortedItems: an external sort of the items an import reads, so that they reach
// storage::BulkLoader in strictly ascending user-key order whatever order the objects hold them
// in, in bounded memory.
//
// Items are gathered in one arena; when it holds `run_bytes`, its entries are sorted and
// written to a run file in `dir`. Drain() merges the runs (and what is still in memory) and
// hands every key once, in order. Duplicate keys overwrite each other silently, as on AWS
// ("the items will overwrite until one remains"): the item added last wins.
// Run file record: key_len:u32 json_len:u32 item_size:u32 key json (host byte order; the files
// live only as long as the import that wrote them).

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tideline::importer {

class SortedItems {
 public:
  SortedItems(std::string dir, uint64_t run_bytes);
  ~SortedItems();  // removes the run files
  SortedItems(const SortedItems&) = delete;
  SortedItems& operator=(const SortedItems&) = delete;

  Status Add(std::string_view user_key, std::string_view item_json, uint32_t item_size);
  // Calls fn(user_key, item_json, item_size) once per distinct key in ascending key order,
  // stopping at the first error fn returns. Call once, after the last Add.
  Status Drain(const std::function<Status(std::string_view, std::string_view, uint32_t)>& fn);

  uint64_t runs() const { return run_paths_.size(); }

 private:
  struct Entry {
    // The first 8 bytes of the key, big-endian (zero-padded): most comparisons end here, without
    // touching the arena (user keys start with a 4-byte partition hash, so they differ early).
    uint64_t prefix;
    uint64_t offset;  // of the key in arena_; the JSON follows it
    uint32_t key_len;
    uint32_t json_len;
    uint32_t item_size;
  };
  std::string_view KeyOf(const Entry& e) const {
    return std::string_view(arena_).substr(e.offset, e.key_len);
  }
  std::string_view JsonOf(const Entry& e) const {
    return std::string_view(arena_).substr(e.offset + e.key_len, e.json_len);
  }
  // Sorts the entries by key, the later of equal keys first, so that a scan keeps the first of
  // each key.
  void SortEntries();
  Status SpillRun();

  const std::string dir_;
  const uint64_t run_bytes_;
  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<std::string> run_paths_;
};

}  // namespace tideline::importer
