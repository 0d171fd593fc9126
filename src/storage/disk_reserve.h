#pragma once
// DiskReserve: a file of fixed size kept in the data directory as space held back for recovery.
// When the disk fills, RocksDB needs room to recover (flush its memtables to a table file and
// start a new WAL; Open needs room for a new MANIFEST and WAL too). Releasing the reserve gives
// it that room at once, without waiting for anyone to free space; it is created again once the
// disk has room for it.

#include <cstdint>
#include <string>

namespace tideline::storage {

// Bytes available to an unprivileged writer on the filesystem holding `path` (statvfs); UINT64_MAX
// when it cannot be told.
uint64_t FreeBytes(const std::string& path);

class DiskReserve {
 public:
  DiskReserve(std::string path, uint64_t bytes) : path_(std::move(path)), bytes_(bytes) {}
  const std::string& path() const { return path_; }
  uint64_t bytes() const { return bytes_; }
  // Whether the file is there at its full size.
  bool Present() const;
  // Allocates the file at its full size (blocks really allocated, not a sparse file); false,
  // leaving no file, when the disk has no room for it.
  bool Create();
  // Removes the file; true if it was there.
  bool Release();

 private:
  std::string path_;
  uint64_t bytes_;
};

}  // namespace tideline::storage
