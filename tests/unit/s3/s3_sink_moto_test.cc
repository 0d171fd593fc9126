// The S3 sink against a real S3 peer: moto_server (python3's moto, on PATH) started as a child
// process on a free loopback port. A missing moto_server FAILS these tests: CI has it.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "aws/crypto.h"
#include "s3/s3_client.h"
#include "s3/sink.h"

namespace tideline::s3 {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool PortOpen(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// Pseudo-random bytes, so that part boundaries and ETags are meaningful.
std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(v >> (8 * j));
  }
  return out;
}

class MotoS3Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    port_ = FreePort();
    log_path_ = "/tmp/tideline-moto-" + std::to_string(::getpid()) + ".log";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test binary
      int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (log >= 0) {
        ::dup2(log, 1);
        ::dup2(log, 2);
      }
      std::string port = std::to_string(port_);
      ::execlp("moto_server", "moto_server", "-H", "127.0.0.1", "-p", port.c_str(),
               static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PortOpen(port_)) {
        ready_ = true;
        return;
      }
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        start_error_ = "moto_server exited with status " + std::to_string(status) +
                       " (127: not on PATH); log in " + log_path_;
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    start_error_ = "moto_server did not open port " + std::to_string(port_) + " within 60 s";
  }

  static void TearDownTestSuite() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGTERM);
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
      }
    }
    ::unlink(log_path_.c_str());
  }

  void SetUp() override {
    ASSERT_TRUE(ready_) << "moto_server is required for the S3 tests: " << start_error_;
    bucket_ = "tl-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (char& c : bucket_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    client_ = std::make_unique<S3Client>(Config());
    ASSERT_TRUE(client_->CreateBucket(bucket_).ok());
  }

  static S3Config Config(bool path_style = true) {
    S3Config c;
    c.endpoint = (path_style ? "http://127.0.0.1:" : "http://localhost:") + std::to_string(port_);
    c.path_style = path_style;
    c.access_key_id = "testing";
    c.secret_access_key = "testing";
    c.part_size = 5 << 20;
    c.max_retries = 2;
    c.retry_base_delay_ms = 10;
    return c;
  }

  std::string HeadHeader(const std::string& key, const std::string& header) {
    HttpResponse r;
    Status s = client_->HeadObject(bucket_, key, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    const std::string* v = r.Header(header);
    return v ? *v : "<absent>";
  }

  static inline int port_ = 0;
  static inline pid_t pid_ = -1;
  static inline bool ready_ = false;
  static inline std::string start_error_;
  static inline std::string log_path_;
  std::string bucket_;
  std::unique_ptr<S3Client> client_;
};

TEST_F(MotoS3Test, PutObjectAndGetBack) {
  auto sink = NewS3Sink(Config());
  ASSERT_TRUE(sink->CheckBucket(bucket_, {}).ok());
  std::string data = "{\"Item\":{\"pk\":{\"S\":\"a\"}}}\n";
  std::string etag;
  const std::string key = "exp/AWSDynamoDB/01700000000000-0000abcd/manifest files+$.json";
  ASSERT_TRUE(sink->PutObject(bucket_, key, data, {}, &etag).ok());
  EXPECT_EQ(etag, aws::HexEncode(aws::Md5(data)));
  std::string got;
  ASSERT_TRUE(client_->GetObject(bucket_, key, &got).ok());
  EXPECT_EQ(got, data);
  EXPECT_EQ(HeadHeader(key, "etag"), "\"" + etag + "\"");
  std::string empty_etag;
  ASSERT_TRUE(sink->PutObject(bucket_, "exp/_started", "", {}, &empty_etag).ok());
  EXPECT_EQ(empty_etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HeadHeader("exp/_started", "content-length"), "0");
}

TEST_F(MotoS3Test, MultipartUploadOfThreeParts) {
  auto sink = NewS3Sink(Config());
  const size_t part = size_t{5} << 20;
  std::string data = RandomBytes(12 << 20, 42);
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter(bucket_, "data/big.json.gz", {}, &w).ok());
  // Irregular pieces: small appends, one spanning a part boundary, one larger than a part.
  std::string_view rest = data;
  for (size_t n : {size_t{1000}, size_t{(3 << 20) + 7}, size_t{6 << 20}}) {
    ASSERT_TRUE(w->Append(rest.substr(0, n)).ok());
    rest.remove_prefix(n);
  }
  ASSERT_TRUE(w->Append(rest).ok());
  std::string etag;
  ASSERT_TRUE(w->Finish(&etag).ok());

  std::string md5s = aws::Md5(data.substr(0, part)) + aws::Md5(data.substr(part, part)) +
                     aws::Md5(data.substr(2 * part));
  EXPECT_EQ(etag, aws::HexEncode(aws::Md5(md5s)) + "-3");
  EXPECT_EQ(HeadHeader("data/big.json.gz", "etag"), "\"" + etag + "\"");
  EXPECT_EQ(HeadHeader("data/big.json.gz", "content-length"), std::to_string(data.size()));
  std::string got;
  ASSERT_TRUE(client_->GetObject(bucket_, "data/big.json.gz", &got).ok());
  EXPECT_TRUE(got == data);
}

TEST_F(MotoS3Test, SmallStreamIsOnePartUpload) {
  auto sink = NewS3Sink(Config());
  const std::string empty_gzip(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x03\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00",
      20);
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter(bucket_, "data/empty.json.gz", {}, &w).ok());
  ASSERT_TRUE(w->Append(empty_gzip).ok());
  std::string etag;
  ASSERT_TRUE(w->Finish(&etag).ok());
  // The etag that real AWS exports list for an empty data file (spec §1.3).
  EXPECT_EQ(etag, "7deb4078f238dd87d6af0538152c04e9-1");
}

TEST_F(MotoS3Test, ServerSideEncryptionHeaders) {
  auto sink = NewS3Sink(Config());
  ObjectOptions aes;
  aes.sse_algorithm = "AES256";
  ASSERT_TRUE(sink->PutObject(bucket_, "aes/put", "x", aes, nullptr).ok());
  EXPECT_EQ(HeadHeader("aes/put", "x-amz-server-side-encryption"), "AES256");
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter(bucket_, "aes/mpu", aes, &w).ok());
  ASSERT_TRUE(w->Append("y").ok());
  ASSERT_TRUE(w->Finish(nullptr).ok());
  EXPECT_EQ(HeadHeader("aes/mpu", "x-amz-server-side-encryption"), "AES256");

  ObjectOptions kms;
  kms.sse_algorithm = "aws:kms";
  kms.sse_kms_key_id =
      "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  ASSERT_TRUE(sink->PutObject(bucket_, "kms/put", "x", kms, nullptr).ok());
  EXPECT_EQ(HeadHeader("kms/put", "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(HeadHeader("kms/put", "x-amz-server-side-encryption-aws-kms-key-id"),
            kms.sse_kms_key_id);
  ASSERT_TRUE(sink->NewMultipartWriter(bucket_, "kms/mpu", kms, &w).ok());
  ASSERT_TRUE(w->Append("z").ok());
  ASSERT_TRUE(w->Finish(nullptr).ok());
  EXPECT_EQ(HeadHeader("kms/mpu", "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(HeadHeader("kms/mpu", "x-amz-server-side-encryption-aws-kms-key-id"),
            kms.sse_kms_key_id);

  ASSERT_TRUE(sink->PutObject(bucket_, "plain", "x", {}, nullptr).ok());
  EXPECT_EQ(HeadHeader("plain", "x-amz-server-side-encryption"), "<absent>");
}

TEST_F(MotoS3Test, MissingBucketIsNoSuchBucket) {
  auto sink = NewS3Sink(Config());
  Status s = sink->CheckBucket("tl-no-such-bucket", {});
  EXPECT_EQ(s.remote_code(), "NoSuchBucket");
  EXPECT_EQ(s.message(), "The specified bucket does not exist");
  s = sink->PutObject("tl-no-such-bucket", "k", "x", {}, nullptr);
  EXPECT_EQ(s.remote_code(), "NoSuchBucket");
  EXPECT_EQ(s.message(), "The specified bucket does not exist");
  std::unique_ptr<ObjectWriter> w;
  EXPECT_EQ(sink->NewMultipartWriter("tl-no-such-bucket", "k", {}, &w).remote_code(),
            "NoSuchBucket");
  std::string got;
  EXPECT_EQ(client_->GetObject(bucket_, "no/such/key", &got).remote_code(), "NoSuchKey");
  HttpResponse head;
  EXPECT_EQ(client_->HeadObject(bucket_, "no/such/key", &head).remote_code(), "NoSuchKey");
}

TEST_F(MotoS3Test, AbortLeavesNoObjectAndNoUpload) {
  auto sink = NewS3Sink(Config());
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter(bucket_, "data/aborted", {}, &w).ok());
  ASSERT_TRUE(w->Append(RandomBytes(6 << 20, 7)).ok());  // one part already uploaded
  HttpResponse uploads;
  ASSERT_TRUE(client_->Execute({"GET", bucket_, "", "uploads", {}, {}, false}, &uploads).ok());
  EXPECT_NE(uploads.body.find("<Key>data/aborted</Key>"), std::string::npos) << uploads.body;
  w->Abort();
  ASSERT_TRUE(client_->Execute({"GET", bucket_, "", "uploads", {}, {}, false}, &uploads).ok());
  EXPECT_EQ(uploads.body.find("<Upload>"), std::string::npos) << uploads.body;
  HttpResponse head;
  EXPECT_EQ(client_->HeadObject(bucket_, "data/aborted", &head).remote_code(), "NoSuchKey");
}

TEST_F(MotoS3Test, VirtualHostedAddressing) {
  // bucket.localhost resolves to the loopback (curl does that for *.localhost), and moto takes
  // the bucket from the Host header.
  auto sink = NewS3Sink(Config(/*path_style=*/false));
  ASSERT_TRUE(sink->CheckBucket(bucket_, {}).ok());
  EXPECT_EQ(sink->CheckBucket("tl-no-such-bucket", {}).remote_code(), "NoSuchBucket");
  std::string etag;
  ASSERT_TRUE(sink->PutObject(bucket_, "vh/put.json", "virtual", {}, &etag).ok());
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter(bucket_, "vh/mpu.json.gz", {}, &w).ok());
  std::string data = RandomBytes((5 << 20) + 100, 9);
  ASSERT_TRUE(w->Append(data).ok());
  std::string mpu_etag;
  ASSERT_TRUE(w->Finish(&mpu_etag).ok());
  EXPECT_EQ(mpu_etag.substr(mpu_etag.size() - 2), "-2");
  // Read back path-style: the objects landed in the named bucket.
  std::string got;
  ASSERT_TRUE(client_->GetObject(bucket_, "vh/put.json", &got).ok());
  EXPECT_EQ(got, "virtual");
  ASSERT_TRUE(client_->GetObject(bucket_, "vh/mpu.json.gz", &got).ok());
  EXPECT_TRUE(got == data);
  EXPECT_EQ(HeadHeader("vh/mpu.json.gz", "etag"), "\"" + mpu_etag + "\"");
}

TEST_F(MotoS3Test, ConcurrentWritersShareOneSink) {
  auto sink = NewS3Sink(Config());
  constexpr int kThreads = 4;
  std::vector<std::string> etags(kThreads);
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<ObjectWriter> w;
      results[t] = sink->NewMultipartWriter(bucket_, "par/" + std::to_string(t), {}, &w);
      if (!results[t].ok()) return;
      std::string data = RandomBytes((1 << 20) + t, 100 + t);
      for (size_t off = 0; off < data.size() && results[t].ok(); off += 65536) {
        results[t] = w->Append(std::string_view(data).substr(off, 65536));
      }
      if (results[t].ok()) results[t] = w->Finish(&etags[t]);
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(results[t].ok()) << t << ": " << results[t].ToString();
    std::string data = RandomBytes((1 << 20) + t, 100 + t);
    EXPECT_EQ(etags[t], aws::HexEncode(aws::Md5(aws::Md5(data))) + "-1");
    std::string got;
    ASSERT_TRUE(client_->GetObject(bucket_, "par/" + std::to_string(t), &got).ok());
    EXPECT_TRUE(got == data) << t;
  }
}

}  // namespace
}  // namespace tideline::s3
