#include "import/sorted_items.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <queue>

namespace tideline::importer {
namespace {

constexpr size_t kRunBufferSize = size_t{1} << 20;
// Past the run size, the arena takes at most one more entry: a key and an item's JSON, which
// stays well below this even for a 400 KB item of base64 binaries and escapes.
constexpr size_t kMaxItemBytes = size_t{2} << 20;

// One run file being merged: its current record.
class RunReader {
 public:
  RunReader(FILE* f, size_t run) : f_(f), run_(run), buffer_(new char[kRunBufferSize]) {
    std::setvbuf(f_, buffer_.get(), _IOFBF, kRunBufferSize);
  }
  ~RunReader() { std::fclose(f_); }
  // Reads the next record; false at the end (status() tells an error from the end).
  bool Next() {
    uint32_t header[3];
    const size_t n = std::fread(header, 1, sizeof(header), f_);
    if (n == 0 && std::feof(f_)) return false;
    if (n != sizeof(header)) return Fail();
    key_.resize(header[0]);
    json_.resize(header[1]);
    item_size_ = header[2];
    if (std::fread(key_.data(), 1, key_.size(), f_) != key_.size()) return Fail();
    if (std::fread(json_.data(), 1, json_.size(), f_) != json_.size()) return Fail();
    return true;
  }
  const std::string& key() const { return key_; }
  const std::string& json() const { return json_; }
  uint32_t item_size() const { return item_size_; }
  size_t run() const { return run_; }
  const Status& status() const { return status_; }

 private:
  bool Fail() {
    status_ = Status::IOError("a sort run file of the import is truncated");
    return false;
  }
  FILE* f_;
  size_t run_;
  std::unique_ptr<char[]> buffer_;
  std::string key_, json_;
  uint32_t item_size_ = 0;
  Status status_;
};

}  // namespace

SortedItems::SortedItems(std::string dir, uint64_t run_bytes)
    : dir_(std::move(dir)), run_bytes_(run_bytes) {}

SortedItems::~SortedItems() {
  std::error_code ec;
  for (const auto& path : run_paths_) std::filesystem::remove(path, ec);
}

Status SortedItems::Add(std::string_view user_key, std::string_view item_json, uint32_t item_size) {
  if (arena_.capacity() < run_bytes_) {
    // Reserved whole: a string that doubles as it grows holds its old and its new buffer at
    // once, up to three times the run size, at every growth.
    arena_.reserve(run_bytes_ + kMaxItemBytes);
    entries_.reserve(run_bytes_ / 128);
  }
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) {
    prefix = (prefix << 8) | (i < user_key.size() ? static_cast<uint8_t>(user_key[i]) : 0);
  }
  entries_.push_back({prefix, arena_.size(), static_cast<uint32_t>(user_key.size()),
                      static_cast<uint32_t>(item_json.size()), item_size});
  arena_.append(user_key);
  arena_.append(item_json);
  if (arena_.size() + entries_.size() * sizeof(Entry) >= run_bytes_) return SpillRun();
  return Status::OK();
}

void SortedItems::SortEntries() {
  // Of equal keys the latest comes first: offsets grow with insertion.
  std::sort(entries_.begin(), entries_.end(), [this](const Entry& a, const Entry& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = KeyOf(a).compare(KeyOf(b));
    return c != 0 ? c < 0 : a.offset > b.offset;
  });
}

Status SortedItems::SpillRun() {
  if (entries_.empty()) return Status::OK();
  SortEntries();
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const std::string path = dir_ + "/run-" + std::to_string(run_paths_.size());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::IOError("cannot create " + path + ": " + std::strerror(errno));
  run_paths_.push_back(path);
  auto buffer = std::make_unique<char[]>(kRunBufferSize);
  std::setvbuf(f, buffer.get(), _IOFBF, kRunBufferSize);
  bool ok = true;
  std::string_view previous;
  for (const Entry& e : entries_) {
    const std::string_view key = KeyOf(e);
    if (!previous.empty() && key == previous) continue;  // an older duplicate
    previous = key;
    const uint32_t header[3] = {e.key_len, e.json_len, e.item_size};
    ok = ok && std::fwrite(header, 1, sizeof(header), f) == sizeof(header);
    ok = ok && std::fwrite(key.data(), 1, key.size(), f) == key.size();
    const std::string_view json = JsonOf(e);
    ok = ok && std::fwrite(json.data(), 1, json.size(), f) == json.size();
  }
  ok = std::fclose(f) == 0 && ok;
  entries_.clear();
  entries_.shrink_to_fit();
  arena_.clear();
  arena_.shrink_to_fit();
  if (!ok) return Status::IOError("cannot write " + path);
  return Status::OK();
}

Status SortedItems::Drain(
    const std::function<Status(std::string_view, std::string_view, uint32_t)>& fn) {
  if (run_paths_.empty()) {
    // Everything fit in memory: no file at all.
    SortEntries();
    std::string_view previous;
    bool first = true;
    for (const Entry& e : entries_) {
      const std::string_view key = KeyOf(e);
      if (!first && key == previous) continue;
      first = false;
      previous = key;
      if (Status s = fn(key, JsonOf(e), e.item_size); !s.ok()) return s;
    }
    return Status::OK();
  }
  if (Status s = SpillRun(); !s.ok()) return s;
  std::vector<std::unique_ptr<RunReader>> readers;
  for (size_t i = 0; i < run_paths_.size(); ++i) {
    FILE* f = std::fopen(run_paths_[i].c_str(), "rb");
    if (!f) return Status::IOError("cannot open " + run_paths_[i] + ": " + std::strerror(errno));
    readers.push_back(std::make_unique<RunReader>(f, i));
  }
  // Min-heap by key; of equal keys the later run (the later items) comes first.
  auto after = [](const RunReader* a, const RunReader* b) {
    const int c = a->key().compare(b->key());
    return c != 0 ? c > 0 : a->run() < b->run();
  };
  std::priority_queue<RunReader*, std::vector<RunReader*>, decltype(after)> heap(after);
  for (auto& r : readers) {
    if (r->Next()) {
      heap.push(r.get());
    } else if (!r->status().ok()) {
      return r->status();
    }
  }
  std::string previous;
  bool first = true;
  while (!heap.empty()) {
    RunReader* r = heap.top();
    heap.pop();
    if (first || r->key() != previous) {
      first = false;
      previous = r->key();
      if (Status s = fn(r->key(), r->json(), r->item_size()); !s.ok()) return s;
    }
    if (r->Next()) {
      heap.push(r);
    } else if (!r->status().ok()) {
      return r->status();
    }
  }
  return Status::OK();
}

}  // namespace tideline::importer
