#include "storage/disk_reserve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdint>
#include <limits>

namespace tideline::storage {

uint64_t FreeBytes(const std::string& path) {
  struct statvfs st;
  if (statvfs(path.c_str(), &st) != 0) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

bool DiskReserve::Present() const {
  struct stat st;
  return stat(path_.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) >= bytes_;
}

bool DiskReserve::Create() {
  if (bytes_ == 0) return false;
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  // posix_fallocate reserves the blocks (a sparse file would free nothing when removed).
  const bool ok = posix_fallocate(fd, 0, static_cast<off_t>(bytes_)) == 0 && fsync(fd) == 0;
  ::close(fd);
  if (!ok) ::unlink(path_.c_str());
  return ok;
}

bool DiskReserve::Release() { return ::unlink(path_.c_str()) == 0; }

}  // namespace tideline::storage
