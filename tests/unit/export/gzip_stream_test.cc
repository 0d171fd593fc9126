// GzipStream: AWS's gzip layout, one member, bounded chunks, MD5 of the output (spec §1.3).

#include "export/gzip_stream.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "export/manifest.h"

namespace tideline::exporter {
namespace {

struct Collected {
  std::vector<std::string> chunks;
  std::string All() const {
    std::string all;
    for (const auto& c : chunks) all += c;
    return all;
  }
};

GzipStream::Sink CollectInto(Collected* c) {
  return [c](std::string_view data) {
    c->chunks.emplace_back(data);
    return Status::OK();
  };
}

// Inflates exactly one gzip member and requires that it spans all of `gz`.
std::string GunzipOneMember(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[1 << 16];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << rc;
    out.append(buf, sizeof(buf) - z.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(z.avail_in, 0u) << "bytes after the first gzip member";
  inflateEnd(&z);
  return out;
}

uint32_t Le32(const std::string& s, size_t at) {
  return uint32_t{static_cast<uint8_t>(s[at])} | uint32_t{static_cast<uint8_t>(s[at + 1])} << 8 |
         uint32_t{static_cast<uint8_t>(s[at + 2])} << 16 |
         uint32_t{static_cast<uint8_t>(s[at + 3])} << 24;
}

// ~200-byte DynamoDB JSON lines with varied content, like an export's data.
std::string JsonLines(size_t total_bytes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  static const char kWords[][10] = {"alpha",   "bravo", "charlie", "delta", "echo",
                                    "foxtrot", "golf",  "hotel",   "india", "juliet"};
  std::string out;
  char line[512];
  while (out.size() < total_bytes) {
    uint64_t r = rng();
    int n = std::snprintf(
        line, sizeof(line),
        "{\"Item\":{\"pk\":{\"S\":\"user#%010llu\"},\"sk\":{\"S\":\"order#%06llu\"},"
        "\"amount\":{\"N\":\"%llu.%02llu\"},\"status\":{\"S\":\"%s\"},\"note\":{\"S\":\"%s %s "
        "%s\"},\"qty\":{\"N\":\"%llu\"},\"paid\":{\"BOOL\":%s}}}\n",
        static_cast<unsigned long long>(r % 10000000000ULL),
        static_cast<unsigned long long>((r >> 20) % 1000000),
        static_cast<unsigned long long>((r >> 7) % 100000),
        static_cast<unsigned long long>((r >> 3) % 100), kWords[(r >> 11) % 10],
        kWords[(r >> 15) % 10], kWords[(r >> 19) % 10], kWords[(r >> 23) % 10],
        static_cast<unsigned long long>((r >> 40) % 50), (r >> 63) ? "true" : "false");
    out.append(line, static_cast<size_t>(n));
  }
  return out;
}

TEST(ExportFmtGzip, EmptyStreamIsAwsEmptyFile) {
  Collected c;
  GzipStream gz(CollectInto(&c));
  ASSERT_TRUE(gz.Finish().ok());
  const std::string expected(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x03\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00",
      20);
  EXPECT_EQ(c.All(), expected);
  EXPECT_EQ(gz.compressed_bytes(), 20u);
  EXPECT_EQ(gz.uncompressed_bytes(), 0u);
  EXPECT_EQ(gz.md5_base64(), "FjvgqIxwymKf1RbbqtrZag==");
  EXPECT_EQ(S3MultipartEtagOfOnePart(gz.md5_binary()), "7deb4078f238dd87d6af0538152c04e9-1");
  // An empty Write is still an empty file.
  Collected c2;
  GzipStream gz2(CollectInto(&c2));
  ASSERT_TRUE(gz2.Write("").ok());
  ASSERT_TRUE(gz2.Finish().ok());
  EXPECT_EQ(c2.All(), expected);
}

TEST(ExportFmtGzip, HeaderTrailerAndRoundTrip) {
  Collected c;
  GzipStream gz(CollectInto(&c));
  const std::string line = "{\"Item\":{\"pk\":{\"S\":\"1\"},\"sk\":{\"S\":\"1\"}}}\n";
  ASSERT_TRUE(gz.Write(line).ok());
  ASSERT_TRUE(gz.Finish().ok());
  const std::string out = c.All();
  ASSERT_GE(out.size(), 18u);
  EXPECT_EQ(out.substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));
  EXPECT_EQ(Le32(out, out.size() - 8),
            crc32(0, reinterpret_cast<const Bytef*>(line.data()), line.size()));
  EXPECT_EQ(Le32(out, out.size() - 4), line.size());
  EXPECT_EQ(GunzipOneMember(out), line);
  EXPECT_EQ(gz.md5_binary(), aws::Md5(out));
  EXPECT_EQ(gz.md5_base64(), Md5Base64(out));
}

// Many MB written line by line: one gzip member, 1 MiB chunks, exact counters and MD5.
TEST(ExportFmtGzip, MultiMegabyteLines) {
  const std::string data = JsonLines(24 << 20, 42);
  Collected c;
  GzipStream gz(CollectInto(&c));
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos) + 1;
    ASSERT_TRUE(gz.Write(std::string_view(data).substr(pos, end - pos)).ok());
    pos = end;
  }
  ASSERT_TRUE(gz.Finish().ok());
  ASSERT_GE(c.chunks.size(), 2u);
  for (size_t i = 0; i + 1 < c.chunks.size(); ++i) {
    EXPECT_EQ(c.chunks[i].size(), GzipStream::kChunkSize) << "chunk " << i;
  }
  EXPECT_LE(c.chunks.back().size(), GzipStream::kChunkSize);
  const std::string out = c.All();
  EXPECT_EQ(gz.compressed_bytes(), out.size());
  EXPECT_EQ(gz.uncompressed_bytes(), data.size());
  EXPECT_EQ(gz.md5_base64(), Md5Base64(out));
  EXPECT_EQ(out.substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));
  EXPECT_TRUE(GunzipOneMember(out) == data);
  EXPECT_LT(out.size(), data.size() / 3) << "level 1 should compress JSON lines well";
}

// Incompressible data in one large Write: output is larger than a chunk per input block.
TEST(ExportFmtGzip, IncompressibleLargeWrite) {
  std::mt19937_64 rng(7);
  std::string data(5 << 20, '\0');
  for (auto& ch : data) ch = static_cast<char>(rng());
  Collected c;
  GzipStream gz(CollectInto(&c));
  ASSERT_TRUE(gz.Write(data).ok());
  ASSERT_TRUE(gz.Finish().ok());
  EXPECT_TRUE(GunzipOneMember(c.All()) == data);
  EXPECT_EQ(gz.compressed_bytes(), c.All().size());
}

// Small writes (gathered) and large ones (compressed in place) interleaved.
TEST(ExportFmtGzip, MixedWriteSizes) {
  const std::string data = JsonLines(12 << 20, 11);
  std::mt19937_64 rng(3);
  const size_t sizes[] = {1, 200, 4096, (256 << 10) - 1, 256 << 10, (256 << 10) + 1, 3 << 20};
  Collected c;
  GzipStream gz(CollectInto(&c));
  for (size_t pos = 0; pos < data.size();) {
    const size_t n = std::min(sizes[rng() % 7], data.size() - pos);
    ASSERT_TRUE(gz.Write(std::string_view(data).substr(pos, n)).ok());
    pos += n;
  }
  ASSERT_TRUE(gz.Finish().ok());
  EXPECT_TRUE(GunzipOneMember(c.All()) == data);
  EXPECT_EQ(gz.uncompressed_bytes(), data.size());
}

TEST(ExportFmtGzip, AllLevelsRoundTrip) {
  const std::string data = JsonLines(3 << 20, 9);
  for (int level = 0; level <= 3; ++level) {
    Collected c;
    GzipStream gz(CollectInto(&c), level);
    ASSERT_TRUE(gz.Write(data).ok()) << level;
    ASSERT_TRUE(gz.Finish().ok()) << level;
    EXPECT_TRUE(GunzipOneMember(c.All()) == data) << level;
  }
  GzipStream bad([](std::string_view) { return Status::OK(); }, 4);
  EXPECT_EQ(bad.Write("x").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.Finish().code(), Status::Code::kInvalidArgument);
}

TEST(ExportFmtGzip, SinkErrorsStick) {
  int calls = 0;
  GzipStream gz([&](std::string_view) {
    return ++calls == 2 ? Status::Remote("NoSuchBucket", "The specified bucket does not exist")
                        : Status::OK();
  });
  std::mt19937_64 rng(1);
  std::string data(4 << 20, '\0');
  for (auto& ch : data) ch = static_cast<char>(rng());
  Status s = gz.Write(data);
  EXPECT_EQ(s.code(), Status::Code::kRemote);
  EXPECT_EQ(s.remote_code(), "NoSuchBucket");
  EXPECT_EQ(gz.Write("more").code(), Status::Code::kRemote);
  EXPECT_EQ(gz.Finish().code(), Status::Code::kRemote);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(gz.md5_base64().empty());
}

TEST(ExportFmtGzip, FinishTwiceFails) {
  GzipStream gz([](std::string_view) { return Status::OK(); });
  ASSERT_TRUE(gz.Write("abc").ok());
  ASSERT_TRUE(gz.Finish().ok());
  EXPECT_FALSE(gz.Finish().ok());
}

// Throughput on ~200-byte JSON lines (see the report for gzip -1 / pigz -1 on the same data).
// Run with --gtest_also_run_disabled_tests --gtest_filter='*Bench*'. If TIDELINE_BENCH_FILE is
// set, the input is also written there so command-line tools can be timed on it.
TEST(ExportFmtGzip, DISABLED_Bench) {
  const std::string data = JsonLines(256 << 20, 3);
  if (const char* path = std::getenv("TIDELINE_BENCH_FILE")) {
    FILE* f = std::fopen(path, "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
  }
  for (int level = 0; level <= 3; ++level) {
    uint64_t out_bytes = 0;
    GzipStream gz(
        [&](std::string_view d) {
          out_bytes += d.size();
          return Status::OK();
        },
        level);
    auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    size_t pos = 0;
    while (pos < data.size()) {
      size_t end = data.find('\n', pos) + 1;
      ASSERT_TRUE(gz.Write(std::string_view(data).substr(pos, end - pos)).ok());
      pos = end;
    }
    ASSERT_TRUE(gz.Finish().ok());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    std::printf(
        "GzipStream level %d: %.1f MB, wall %.3fs = %.1f MB/s, cpu %.3fs = %.1f MB/s, "
        "ratio %.3f\n",
        level, data.size() / 1e6, secs, data.size() / secs / 1e6, cpu, data.size() / cpu / 1e6,
        static_cast<double>(out_bytes) / data.size());
  }
}

}  // namespace
}  // namespace tideline::exporter
