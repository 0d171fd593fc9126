#pragma once
// --in-memory (DynamoDB Local's -inMemory, for tests): the database lives in a private directory
// on a memory file system (the tmpfs at /dev/shm), which the server removes when it stops.
// Nothing reaches a disk, every feature works as on disk (RocksDB, its bulk loads and the
// imports' sort runs all write plain files), and the data is gone with the process.
//
// A server killed with kill -9 cannot remove its directory: the next --in-memory start removes
// the directories of servers that no longer run (their names carry their process id).

#include <memory>
#include <string>

namespace tideline {

class InMemoryDir {
 public:
  // Creates the directory, after removing those of dead servers. Null, with *error set, when no
  // memory file system has room for it.
  static std::unique_ptr<InMemoryDir> Create(std::string* error);
  ~InMemoryDir();  // removes the directory and everything in it
  InMemoryDir(const InMemoryDir&) = delete;
  InMemoryDir& operator=(const InMemoryDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit InMemoryDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace tideline
