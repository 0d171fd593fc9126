// The local-directory sink: bucket checks, key mapping, ETags and atomic publication.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "aws/crypto.h"
#include "s3/sink.h"

namespace tideline::s3 {
namespace {

namespace fs = std::filesystem;

class LocalDirSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("tideline-localsink-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "bkt");
    sink_ = NewLocalDirSink(root_.string());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Every entry under the bucket, relative, sorted (shows stray temporary files too).
  std::vector<std::string> Listing() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root_ / "bkt")) {
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root_ / "bkt").string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path root_;
  std::unique_ptr<Sink> sink_;
};

TEST_F(LocalDirSinkTest, MissingBucketIsNoSuchBucket) {
  ObjectOptions opts;
  Status s = sink_->CheckBucket("nope", opts);
  EXPECT_EQ(s.code(), Status::Code::kRemote);
  EXPECT_EQ(s.remote_code(), "NoSuchBucket");
  EXPECT_EQ(s.message(), "The specified bucket does not exist");
  EXPECT_EQ(sink_->PutObject("nope", "k", "x", opts, nullptr).remote_code(), "NoSuchBucket");
  std::unique_ptr<ObjectWriter> w;
  EXPECT_EQ(sink_->NewMultipartWriter("nope", "k", opts, &w).remote_code(), "NoSuchBucket");
  EXPECT_EQ(w, nullptr);
  EXPECT_FALSE(fs::exists(root_ / "nope"));  // never created behind the caller's back
  // A plain file is not a bucket either.
  std::ofstream(root_ / "file") << "x";
  EXPECT_EQ(sink_->CheckBucket("file", opts).remote_code(), "NoSuchBucket");
  EXPECT_TRUE(sink_->CheckBucket("bkt", opts).ok());
  EXPECT_FALSE(sink_->CheckBucket("..", opts).ok());
  EXPECT_FALSE(sink_->CheckBucket("a/b", opts).ok());
}

TEST_F(LocalDirSinkTest, PutObjectWritesFileAndReturnsMd5Etag) {
  std::string etag;
  ASSERT_TRUE(sink_->PutObject("bkt", "p/AWSDynamoDB/01-ab/_started", "", {}, &etag).ok());
  EXPECT_EQ(etag, "d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_TRUE(fs::exists(root_ / "bkt/p/AWSDynamoDB/01-ab/_started"));
  EXPECT_EQ(fs::file_size(root_ / "bkt/p/AWSDynamoDB/01-ab/_started"), 0u);

  ASSERT_TRUE(sink_->PutObject("bkt", "m.json", "hello world", {}, &etag).ok());
  EXPECT_EQ(etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(Read(root_ / "bkt/m.json"), "hello world");
  // Overwrite replaces the whole object.
  ASSERT_TRUE(sink_->PutObject("bkt", "m.json", "x", {}, nullptr).ok());
  EXPECT_EQ(Read(root_ / "bkt/m.json"), "x");
  EXPECT_EQ(Listing(), (std::vector<std::string>{"m.json", "p/AWSDynamoDB/01-ab/_started"}));
}

TEST_F(LocalDirSinkTest, RejectsKeysEscapingTheBucket) {
  for (const char* key : {"../evil", "a/../../evil", "a/..", "..", "./a", "a/./b", "", "dir/"}) {
    Status s = sink_->PutObject("bkt", key, "x", {}, nullptr);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << key;
    std::unique_ptr<ObjectWriter> w;
    EXPECT_FALSE(sink_->NewMultipartWriter("bkt", key, {}, &w).ok()) << key;
  }
  EXPECT_FALSE(fs::exists(root_ / "evil"));
  // Dots inside a name are fine.
  EXPECT_TRUE(sink_->PutObject("bkt", "a..b/..c/d..", "x", {}, nullptr).ok());
  EXPECT_EQ(Read(root_ / "bkt/a..b/..c/d.."), "x");
}

TEST_F(LocalDirSinkTest, StreamedWriterEtagIsOnePartMultipartEtag) {
  // The 20-byte empty gzip member of an empty export data file, whose etag real AWS exports
  // report as 7deb4078f238dd87d6af0538152c04e9-1 (spec §1.3).
  const std::string empty_gzip(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x03\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00",
      20);
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink_->NewMultipartWriter("bkt", "data/a.json.gz", {}, &w).ok());
  ASSERT_TRUE(w->Append(empty_gzip.substr(0, 3)).ok());
  ASSERT_TRUE(w->Append(empty_gzip.substr(3)).ok());
  std::string etag;
  ASSERT_TRUE(w->Finish(&etag).ok());
  EXPECT_EQ(etag, "7deb4078f238dd87d6af0538152c04e9-1");
  EXPECT_EQ(Read(root_ / "bkt/data/a.json.gz"), empty_gzip);
  EXPECT_FALSE(w->Append("more").ok());
}

TEST_F(LocalDirSinkTest, LargeStreamIsAtomicUntilFinish) {
  std::string data;
  for (uint64_t i = 0; data.size() < (3u << 20) + 17; ++i) data += std::to_string(i * 7919) + ",";
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink_->NewMultipartWriter("bkt", "big/obj", {}, &w).ok());
  size_t half = data.size() / 2;
  ASSERT_TRUE(w->Append(std::string_view(data).substr(0, 100)).ok());
  ASSERT_TRUE(w->Append(std::string_view(data).substr(100, half - 100)).ok());
  // Mid-stream: no object under the final name, only a hidden temporary file.
  EXPECT_FALSE(fs::exists(root_ / "bkt/big/obj"));
  auto mid = Listing();
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0].rfind("big/.obj.tideline-tmp.", 0), 0u) << mid[0];
  ASSERT_TRUE(w->Append(std::string_view(data).substr(half)).ok());
  std::string etag;
  ASSERT_TRUE(w->Finish(&etag).ok());
  EXPECT_EQ(etag, aws::HexEncode(aws::Md5(aws::Md5(data))) + "-1");
  EXPECT_EQ(Read(root_ / "bkt/big/obj"), data);
  EXPECT_EQ(Listing(), (std::vector<std::string>{"big/obj"}));
}

TEST_F(LocalDirSinkTest, AbortRemovesTempAndKeepsOldObject) {
  ASSERT_TRUE(sink_->PutObject("bkt", "k", "old", {}, nullptr).ok());
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink_->NewMultipartWriter("bkt", "k", {}, &w).ok());
  ASSERT_TRUE(w->Append("new data that is abandoned").ok());
  EXPECT_EQ(Listing().size(), 2u);
  w->Abort();
  EXPECT_EQ(Listing(), (std::vector<std::string>{"k"}));
  EXPECT_EQ(Read(root_ / "bkt/k"), "old");
  EXPECT_FALSE(w->Finish(nullptr).ok());
  w->Abort();  // idempotent
}

TEST_F(LocalDirSinkTest, DestroyingAnUnfinishedWriterAborts) {
  {
    std::unique_ptr<ObjectWriter> w;
    ASSERT_TRUE(sink_->NewMultipartWriter("bkt", "x/y", {}, &w).ok());
    ASSERT_TRUE(w->Append("partial").ok());
  }
  EXPECT_TRUE(Listing().empty());
}

TEST_F(LocalDirSinkTest, ConcurrentWritersToOneSink) {
  std::vector<std::thread> threads;
  std::vector<std::string> etags(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<ObjectWriter> w;
      ASSERT_TRUE(sink_->NewMultipartWriter("bkt", "data/f" + std::to_string(t), {}, &w).ok());
      for (int i = 0; i < 1000; ++i) ASSERT_TRUE(w->Append(std::to_string(t * 100000 + i)).ok());
      ASSERT_TRUE(w->Finish(&etags[t]).ok());
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) {
    std::string expect;
    for (int i = 0; i < 1000; ++i) expect += std::to_string(t * 100000 + i);
    EXPECT_EQ(Read(root_ / ("bkt/data/f" + std::to_string(t))), expect);
    EXPECT_EQ(etags[t], aws::HexEncode(aws::Md5(aws::Md5(expect))) + "-1");
  }
  EXPECT_EQ(Listing().size(), 8u);
}

}  // namespace
}  // namespace tideline::s3
