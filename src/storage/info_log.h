#pragma once
// RocksDB's info log (the LOG file in the database directory), written with plain stdio.
//
// RocksDB's own logger writes through the same buffered file writer as the WAL, which after one
// failed write (ENOSPC) aborts the process on the next (an assertion Debian's build keeps): on a
// full disk, the first log line after the failure killed the server, even at start-up. This one
// drops a line it cannot write.

#include <memory>
#include <string>

namespace rocksdb {
class Logger;
}

namespace tideline::storage {

// Logs to `path`, after keeping the previous file as `path`.old.
std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::string& path);

}  // namespace tideline::storage
