#pragma once
// For the fault-injection tests only (`serve --testing-fault-file PATH`, hidden from --help): a
// FileSystem that fails every write to RocksDB's files — appends, flushes, syncs, and the
// creation of new files — while the file PATH exists. Its content names the error: "ENOSPC",
// or anything else for EIO; with "sst" in it, only table files fail (flushes and compactions,
// not the WAL). "SLOW <ms>" fails nothing but makes every WAL sync take that much longer (a
// slow disk under --sync). Reads are never touched. It stands for a failing disk in tests that
// cannot make a real one fail (dm-error needs device-mapper, which CI containers lack).

#include <memory>
#include <string>

namespace rocksdb {
class FileSystem;
}

namespace tideline::storage {

std::shared_ptr<rocksdb::FileSystem> NewFaultInjectionFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, std::string trigger_path);

}  // namespace tideline::storage
