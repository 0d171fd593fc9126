// ObjectSource over a local directory standing for S3 (the layout s3/local_dir_sink.cc writes).

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "import/object_source.h"

namespace tideline::importer {
namespace {

constexpr size_t kReadBufferSize = size_t{1} << 20;

Status NoSuchBucket() {
  return Status::Remote("NoSuchBucket", "The specified bucket does not exist");
}

// A hidden temporary file of the local sink (".<name>.tideline-tmp.<unique>"): an object being
// written or abandoned by a crash, never an object.
bool IsSinkTemporary(const std::string& file_name) {
  return !file_name.empty() && file_name[0] == '.' &&
         file_name.find(".tideline-tmp.") != std::string::npos;
}

class LocalDirSource : public ObjectSource {
 public:
  explicit LocalDirSource(std::string root) : root_(std::move(root)) {}

  Status List(const std::string& bucket, const std::string& prefix, const std::string&,
              std::vector<SourceObject>* out) override {
    namespace fs = std::filesystem;
    out->clear();
    // A bucket name never holds a '/', and ".." would leave the root.
    if (bucket.empty() || bucket.find('/') != std::string::npos || bucket == "." ||
        bucket == "..") {
      return NoSuchBucket();
    }
    const fs::path dir = fs::path(root_) / bucket;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return NoSuchBucket();
    fs::recursive_directory_iterator it(dir, ec), end;
    if (ec) return Status::IOError("cannot list " + dir.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) return Status::IOError("cannot list " + dir.string() + ": " + ec.message());
      if (!it->is_regular_file(ec)) continue;
      if (IsSinkTemporary(it->path().filename().string())) continue;
      std::string key = it->path().lexically_relative(dir).generic_string();
      if (!key.starts_with(prefix)) continue;
      out->push_back({std::move(key), static_cast<uint64_t>(it->file_size(ec))});
    }
    std::sort(out->begin(), out->end(),
              [](const SourceObject& a, const SourceObject& b) { return a.key < b.key; });
    return Status::OK();
  }

  Status Read(const std::string& bucket, const SourceObject& object, const std::string&,
              const std::function<bool(std::string_view)>& consume) override {
    const std::string path = root_ + "/" + bucket + "/" + object.key;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::Remote("NoSuchKey", "The specified key does not exist.");
      return Status::IOError("open " + path + ": " + std::strerror(errno));
    }
    auto buffer = std::make_unique<char[]>(kReadBufferSize);
    Status s;
    for (;;) {
      ssize_t n = ::read(fd, buffer.get(), kReadBufferSize);
      if (n < 0) {
        if (errno == EINTR) continue;
        s = Status::IOError("read " + path + ": " + std::strerror(errno));
        break;
      }
      if (n == 0 || !consume(std::string_view(buffer.get(), static_cast<size_t>(n)))) break;
    }
    ::close(fd);
    return s;
  }

 private:
  std::string root_;
};

}  // namespace

std::unique_ptr<ObjectSource> NewLocalDirSource(std::string root) {
  return std::make_unique<LocalDirSource>(std::move(root));
}

}  // namespace tideline::importer
