#include "in_memory_dir.h"

#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>

namespace tideline {

namespace {

constexpr const char* kRoot = "/dev/shm";
constexpr std::string_view kPrefix = "tideline-in-memory-";
// Less room than this is refused at start rather than filling up after the first writes.
constexpr uint64_t kMinFreeBytes = 128ull << 20;

// Removes the directories whose server (the pid in their name) no longer runs.
void RemoveDeadServersDirs() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kRoot, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    const std::string rest = name.substr(kPrefix.size());
    const long pid = std::strtol(rest.c_str(), nullptr, 10);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
      std::error_code remove_ec;
      std::filesystem::remove_all(entry.path(), remove_ec);
    }
  }
}

}  // namespace

std::unique_ptr<InMemoryDir> InMemoryDir::Create(std::string* error) {
  struct statfs fs {};
  if (::statfs(kRoot, &fs) != 0 || fs.f_type != TMPFS_MAGIC) {
    *error = std::string("--in-memory needs the memory file system (tmpfs) at ") + kRoot +
             ", which this machine does not have; use --data-dir on a tmpfs instead";
    return nullptr;
  }
  RemoveDeadServersDirs();
  if (::statfs(kRoot, &fs) == 0 &&
      static_cast<uint64_t>(fs.f_bavail) * static_cast<uint64_t>(fs.f_bsize) < kMinFreeBytes) {
    *error = std::string("--in-memory: the memory file system at ") + kRoot + " has less than " +
             std::to_string(kMinFreeBytes >> 20) + " MiB free";
    return nullptr;
  }
  std::random_device random;
  const std::string path = std::string(kRoot) + "/" + std::string(kPrefix) +
                           std::to_string(::getpid()) + "-" + std::to_string(random());
  std::error_code ec;
  if (!std::filesystem::create_directory(path, ec) || ec) {
    *error = "--in-memory: cannot create " + path + ": " + ec.message();
    return nullptr;
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
  return std::unique_ptr<InMemoryDir>(new InMemoryDir(path));
}

InMemoryDir::~InMemoryDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace tideline
