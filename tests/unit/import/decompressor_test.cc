#include "import/decompressor.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <random>
#include <string>

namespace tideline::importer {
namespace {

std::string Gzip(const std::string& data) {
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, data.size()) + 32, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

// Feeds `input` in pieces of `piece` bytes; returns the output and the status of the end.
Status Decompress(std::string_view kind, const std::string& input, size_t piece, std::string* out) {
  auto d = NewDecompressor(kind);
  for (size_t i = 0; i < input.size(); i += piece) {
    bool stopped = false;
    Status s = d->Write(
        std::string_view(input).substr(i, piece),
        [&](std::string_view data) {
          out->append(data);
          return true;
        },
        &stopped);
    if (!s.ok()) return s;
  }
  return d->Finish();
}

std::string Sample() {
  std::mt19937 rng(3);
  std::string data;
  for (int i = 0; i < 200000; ++i) data.push_back(static_cast<char>('a' + rng() % 7));
  return data;
}

TEST(DecompressorTest, RoundTripsInAnyPieceSize) {
  const std::string data = Sample();
  for (size_t piece : {size_t{1} << 20, size_t{4096}, size_t{7}}) {
    std::string out;
    ASSERT_TRUE(Decompress("GZIP", Gzip(data), piece, &out).ok());
    EXPECT_EQ(out, data);
    out.clear();
    ASSERT_TRUE(Decompress("ZSTD", Zstd(data), piece, &out).ok());
    EXPECT_EQ(out, data);
    out.clear();
    ASSERT_TRUE(Decompress("NONE", data, piece, &out).ok());
    EXPECT_EQ(out, data);
  }
}

TEST(DecompressorTest, ConcatenatedMembersAndFrames) {
  std::string out;
  ASSERT_TRUE(Decompress("GZIP", Gzip("abc") + Gzip("def"), 3, &out).ok());
  EXPECT_EQ(out, "abcdef");
  out.clear();
  ASSERT_TRUE(Decompress("ZSTD", Zstd("abc") + Zstd("def"), 5, &out).ok());
  EXPECT_EQ(out, "abcdef");
  out.clear();
  EXPECT_TRUE(Decompress("GZIP", "", 1, &out).ok());  // an empty object holds nothing
}

TEST(DecompressorTest, TruncatedOrForeignDataIsCorruption) {
  const std::string data = Sample();
  std::string out;
  const std::string gz = Gzip(data);
  EXPECT_FALSE(Decompress("GZIP", gz.substr(0, gz.size() - 10), 4096, &out).ok());
  const std::string zs = Zstd(data);
  out.clear();
  EXPECT_FALSE(Decompress("ZSTD", zs.substr(0, zs.size() - 10), 4096, &out).ok());
  out.clear();
  EXPECT_FALSE(Decompress("GZIP", "plain text, not gzip\n", 4096, &out).ok());
  out.clear();
  EXPECT_FALSE(Decompress("ZSTD", "plain text, not zstd\n", 4096, &out).ok());
}

}  // namespace
}  // namespace tideline::importer
