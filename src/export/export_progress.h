#pragma once
// The live progress of a running export, per data file, for the web console (docs/console.md):
// what each file's writer has written so far. Each counter has one writer, the thread writing
// that file, which stores it (relaxed) once per 256 KB of lines and at the file's end, then sets
// `done` (release: a reader that sees done sees the final counts); readers load them without a
// lock. The file list is fixed before the object is published, so sharing
// the object (under the export service's mutex) is what makes the list visible to readers.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tideline::exporter {

struct DataFileProgress {
  std::string key;  // the object key in the bucket
  std::atomic<uint64_t> items{0};
  std::atomic<uint64_t> item_bytes{0};     // DynamoDB size of the items written
  std::atomic<uint64_t> written_bytes{0};  // compressed bytes handed to the destination
  std::atomic<bool> done{false};
};

struct ExportProgress {
  explicit ExportProgress(const std::vector<std::string>& keys) : files(keys.size()) {
    for (size_t i = 0; i < keys.size(); ++i) files[i].key = keys[i];
  }
  std::vector<DataFileProgress> files;
};

}  // namespace tideline::exporter
