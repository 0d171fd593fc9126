// The Sink over a local directory standing for S3: object <bucket>/<key> is the file
// <root>/<bucket>/<key>. A bucket is a directory that must already exist, as in S3.
//
// Atomicity: every object is written to a hidden temporary file beside its final name
// (".<name>.tideline-tmp.<unique>"), fsync'ed, then renamed into place and the directory
// fsync'ed. A reader (or a crash) therefore never sees a partial object under the final name;
// a crash can at most leave a hidden temporary file behind.
//
// ETags match what S3 would report: hex(md5(data)) for PutObject; for a streamed writer, the
// ETag of a one-part multipart upload, hex(md5(md5(data))) + "-1".

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "aws/crypto.h"
#include "s3/sink.h"

namespace tideline::s3 {
namespace {

constexpr size_t kWriteBufferSize = size_t{1} << 20;

Status ErrnoStatus(const std::string& what, int err) {
  return Status::IOError(what + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write " + path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open " + dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::OK() : ErrnoStatus("fsync " + dir, err);
}

// A temporary file in the destination directory, so the final rename stays on one filesystem.
Status CreateTemp(const std::string& final_path, std::string* temp_path, int* fd) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::filesystem::path p(final_path);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = "." + p.filename().string() + ".tideline-tmp." + std::to_string(::getpid()) +
                       "-" + std::to_string(counter++) + "-" + std::to_string(rng() % 1000000);
    *temp_path = (p.parent_path() / name).string();
    *fd = ::open(temp_path->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (*fd >= 0) return Status::OK();
    if (errno != EEXIST) return ErrnoStatus("create " + *temp_path, errno);
  }
  return Status::IOError("cannot create a temporary file for " + final_path);
}

// fsync + close `fd`, rename temp → final, fsync the directory. Removes the temp on failure.
Status Publish(int fd, const std::string& temp_path, const std::string& final_path) {
  Status s;
  if (::fsync(fd) != 0) s = ErrnoStatus("fsync " + temp_path, errno);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus("close " + temp_path, errno);
  if (s.ok() && ::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    s = ErrnoStatus("rename " + temp_path + " to " + final_path, errno);
  }
  if (!s.ok()) {
    ::unlink(temp_path.c_str());
    return s;
  }
  return SyncDir(std::filesystem::path(final_path).parent_path().string());
}

class LocalFileWriter : public ObjectWriter {
 public:
  LocalFileWriter(int fd, std::string temp_path, std::string final_path)
      : fd_(fd),
        temp_path_(std::move(temp_path)),
        final_path_(std::move(final_path)),
        md5_(aws::StreamingHash::Algorithm::kMd5) {}

  ~LocalFileWriter() override { Abort(); }

  Status Append(std::string_view data) override {
    if (!failed_.ok()) return failed_;
    if (fd_ < 0) return Status::InvalidArgument("local writer: Append after Finish or Abort");
    md5_.Update(data);
    if (buffer_.size() + data.size() > kWriteBufferSize) {
      Status s = Flush();
      if (!s.ok()) return Fail(s);
      if (data.size() >= kWriteBufferSize) {
        s = WriteAll(fd_, data, temp_path_);
        return s.ok() ? s : Fail(s);
      }
    }
    buffer_.append(data);
    return Status::OK();
  }

  Status Finish(std::string* etag) override {
    if (!failed_.ok()) return failed_;
    if (fd_ < 0) return Status::InvalidArgument("local writer: Finish after Finish or Abort");
    Status s = Flush();
    if (!s.ok()) return Fail(s);
    int fd = fd_;
    fd_ = -1;
    s = Publish(fd, temp_path_, final_path_);
    if (!s.ok()) {
      failed_ = s;
      return s;
    }
    if (etag != nullptr) *etag = aws::HexEncode(aws::Md5(md5_.Finish())) + "-1";
    return Status::OK();
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_path_.c_str());
  }

 private:
  Status Flush() {
    Status s = WriteAll(fd_, buffer_, temp_path_);
    buffer_.clear();
    return s;
  }

  Status Fail(Status s) {
    failed_ = s;
    Abort();
    return s;
  }

  int fd_;
  std::string temp_path_;
  std::string final_path_;
  aws::StreamingHash md5_;
  std::string buffer_;
  Status failed_;
};

class LocalDirSink : public Sink {
 public:
  explicit LocalDirSink(std::string root) : root_(std::move(root)) {}

  Status CheckBucket(const std::string& bucket, const ObjectOptions& options) override {
    std::string dir;
    Status s = BucketDir(bucket, &dir);
    if (!s.ok()) return s;
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      return Status::Remote("AccessDenied", "Access Denied");
    }
    return Status::OK();
  }

  Status PutObject(const std::string& bucket, const std::string& key, std::string_view data,
                   const ObjectOptions& options, std::string* etag) override {
    std::string path;
    Status s = PrepareObjectPath(bucket, key, &path);
    if (!s.ok()) return s;
    std::string temp;
    int fd;
    s = CreateTemp(path, &temp, &fd);
    if (!s.ok()) return s;
    s = WriteAll(fd, data, temp);
    if (!s.ok()) {
      ::close(fd);
      ::unlink(temp.c_str());
      return s;
    }
    s = Publish(fd, temp, path);
    if (!s.ok()) return s;
    if (etag != nullptr) *etag = aws::HexEncode(aws::Md5(data));
    return Status::OK();
  }

  Status NewMultipartWriter(const std::string& bucket, const std::string& key,
                            const ObjectOptions& options,
                            std::unique_ptr<ObjectWriter>* writer) override {
    std::string path;
    Status s = PrepareObjectPath(bucket, key, &path);
    if (!s.ok()) return s;
    std::string temp;
    int fd;
    s = CreateTemp(path, &temp, &fd);
    if (!s.ok()) return s;
    *writer = std::make_unique<LocalFileWriter>(fd, std::move(temp), std::move(path));
    return Status::OK();
  }

  Status DiscardIncomplete(const std::string& bucket, const std::string& prefix) override {
    std::string dir;
    Status s = BucketDir(bucket, &dir);
    if (!s.ok()) return s;
    std::error_code ec;
    const std::filesystem::path root = std::filesystem::path(dir) / prefix;
    if (!std::filesystem::is_directory(root, ec)) return Status::OK();
    std::vector<std::filesystem::path> temps;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.size() > 1 && name[0] == '.' && name.find(".tideline-tmp.") != std::string::npos) {
        temps.push_back(it->path());
      }
    }
    for (const auto& p : temps) std::filesystem::remove(p, ec);
    return Status::OK();
  }

 private:
  Status BucketDir(const std::string& bucket, std::string* dir) const {
    if (bucket.empty() || bucket == "." || bucket == ".." ||
        bucket.find('/') != std::string::npos || bucket.find('\0') != std::string::npos) {
      return Status::Remote("InvalidBucketName", "The specified bucket is not valid.");
    }
    *dir = root_ + "/" + bucket;
    struct stat st;
    if (::stat(dir->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::Remote("NoSuchBucket", "The specified bucket does not exist");
    }
    return Status::OK();
  }

  // Validates the key, creates its parent directories and returns the final file path.
  Status PrepareObjectPath(const std::string& bucket, const std::string& key,
                           std::string* path) const {
    std::string dir;
    Status s = BucketDir(bucket, &dir);
    if (!s.ok()) return s;
    if (key.empty() || key.back() == '/' || key.find('\0') != std::string::npos) {
      return Status::InvalidArgument("local sink: unusable object key '" + key + "'");
    }
    // ".." would leave the bucket directory; "." would alias another key.
    size_t pos = 0;
    while (pos <= key.size()) {
      size_t slash = key.find('/', pos);
      if (slash == std::string::npos) slash = key.size();
      std::string_view seg(key.data() + pos, slash - pos);
      if (seg == ".." || seg == ".") {
        return Status::InvalidArgument("local sink: object key '" + key +
                                       "' has a '.' or '..' segment");
      }
      pos = slash + 1;
    }
    *path = dir + "/" + key;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(*path).parent_path(), ec);
    if (ec) return Status::IOError("create directories for " + *path + ": " + ec.message());
    return Status::OK();
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<Sink> NewLocalDirSink(std::string root) {
  return std::make_unique<LocalDirSink>(std::move(root));
}

}  // namespace tideline::s3
