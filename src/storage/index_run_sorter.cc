#include "storage/index_run_sorter.h"

#include <rocksdb/env.h>
#include <rocksdb/sst_file_writer.h>

#include <algorithm>

#include "storage/storage_impl.h"

namespace tideline::storage {

IndexRunSorter::IndexRunSorter(rocksdb::Options options, std::string dir, std::string file_prefix,
                               uint64_t run_bytes)
    : options_(std::move(options)),
      dir_(std::move(dir)),
      file_prefix_(std::move(file_prefix)),
      run_bytes_(run_bytes) {
  // SstFileWriter compresses with the bottommost level's algorithm (ZSTD here), but runs overlap
  // each other and land above it: the ordinary algorithm (LZ4) costs a fraction of the CPU, and
  // compaction recompresses them on their way down anyway.
  options_.bottommost_compression = rocksdb::kDisableCompressionOption;
}

IndexRunSorter::~IndexRunSorter() {
  if (pending_.valid()) pending_.wait();
}

Status IndexRunSorter::Add(std::string_view key, std::string_view value) {
  if (filling_.arena.capacity() < run_bytes_) filling_.arena.reserve(run_bytes_);
  if (!filling_.slots.empty() && filling_.arena.size() + key.size() + value.size() > run_bytes_) {
    if (Status s = Spill(); !s.ok()) return s;
  }
  filling_.slots.push_back({filling_.arena.size(), static_cast<uint32_t>(key.size()),
                            static_cast<uint32_t>(value.size())});
  filling_.arena.append(key);
  filling_.arena.append(value);
  ++entries_;
  return Status::OK();
}

Status IndexRunSorter::Spill() {
  // One run at a time on the helper thread: the previous one must be on file before its arena
  // takes the next entries.
  if (pending_.valid()) {
    if (Status s = pending_.get(); !s.ok()) return s;
  }
  if (filling_.slots.empty()) return Status::OK();
  std::swap(filling_, writing_);
  filling_.arena.clear();
  filling_.slots.clear();
  files_.push_back(dir_ + "/" + file_prefix_ + std::to_string(files_.size()) + ".sst");
  pending_ = std::async(std::launch::async, [this, path = files_.back()] {
    return WriteRun(options_, path, &writing_);
  });
  return Status::OK();
}

Status IndexRunSorter::WriteRun(const rocksdb::Options& options, const std::string& path,
                                Run* run) {
  const char* base = run->arena.data();
  auto key_of = [base](const Run::Slot& s) {
    return std::string_view(base + s.offset, s.key_size);
  };
  std::sort(run->slots.begin(), run->slots.end(),
            [&](const Run::Slot& a, const Run::Slot& b) { return key_of(a) < key_of(b); });
  rocksdb::SstFileWriter sst(rocksdb::EnvOptions(options), options);
  if (Status s = FromRocks(sst.Open(path)); !s.ok()) return s;
  for (const Run::Slot& slot : run->slots) {
    rocksdb::Slice key(base + slot.offset, slot.key_size);
    rocksdb::Slice value(base + slot.offset + slot.key_size, slot.value_size);
    if (Status s = FromRocks(sst.Put(key, value)); !s.ok()) return s;
  }
  return FromRocks(sst.Finish());  // fsyncs the file before closing it
}

Status IndexRunSorter::Finish() {
  if (Status s = Spill(); !s.ok()) return s;
  if (pending_.valid()) return pending_.get();
  return Status::OK();
}

}  // namespace tideline::storage
