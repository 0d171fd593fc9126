#include "storage/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tideline::storage {

Status DataDirLock::Acquire(const std::string& data_dir, std::unique_ptr<DataDirLock>* out) {
  const std::string path = data_dir + "/tideline.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Busy("another Tideline server is using the data directory " + data_dir +
                          ": stop it, or start this one with another --data-dir");
    }
    return Status::IOError("cannot lock " + path + ": " + std::strerror(err));
  }
  out->reset(new DataDirLock(fd));
  return Status::OK();
}

DataDirLock::~DataDirLock() { ::close(fd_); }  // releases the lock

}  // namespace tideline::storage
