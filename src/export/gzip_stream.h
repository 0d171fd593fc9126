#pragma once
// GzipStream: streaming gzip compression of one export data file, in bounded memory whatever
// the size of the data: about 1.6 MiB per stream at level 1 (1 MiB output chunk, 256 KiB input
// block, ISA-L's 80 KiB state and 276 KiB level buffer).
//
// Output is ONE gzip member laid out byte for byte as DynamoDB's export writes it
// (shared/spec/export-and-pitr.md §1.3):
//   1f 8b 08 00 00000000 00 ff   header: deflate, no flags (no FNAME), MTIME 0, XFL 0, OS 255
//   <raw deflate stream>         ISA-L igzip (isal_deflate), level 0..3
//   CRC32 ISIZE                  little endian
// An empty stream is exactly the 20 bytes 1f8b08000000000000ff 0300 00000000 00000000 (the
// gzip of nothing AWS writes for an empty partition; md5 base64 FjvgqIxwymKf1RbbqtrZag==).
//
// The compressed bytes go to `sink` in pieces of exactly kChunkSize bytes, except the last
// piece, which Finish() delivers. The MD5 of everything given to the sink is kept, for the
// manifest's md5Checksum and the S3 ETag. Not thread-safe; one stream per data file.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "aws/crypto.h"
#include "common/status.h"

struct isal_zstream;

namespace tideline::exporter {

class GzipStream {
 public:
  using Sink = std::function<Status(std::string_view)>;
  static constexpr size_t kChunkSize = 1 << 20;

  // `level` is ISA-L's compression level, 0 (fastest) to 3; 1 is close to `gzip -1` in ratio.
  // An out-of-range level makes every Write/Finish return InvalidArgument.
  explicit GzipStream(Sink sink, int level = 1);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Compresses `data`. Any error (from the sink or the compressor) is returned and sticks:
  // later calls return it too. Must not be called after Finish().
  Status Write(std::string_view data);
  // Flushes everything and writes the trailer. Call once.
  Status Finish();

  // Bytes handed to the sink so far; after Finish, the size of the whole .gz object.
  uint64_t compressed_bytes() const { return compressed_bytes_; }
  // Bytes given to Write so far.
  uint64_t uncompressed_bytes() const { return uncompressed_bytes_; }
  // MD5 of the compressed bytes; valid after a successful Finish (empty before).
  const std::string& md5_binary() const { return md5_binary_; }  // 16 raw bytes
  std::string md5_base64() const;

 private:
  // Runs the compressor over `input` (end_of_stream marks the last call) and hands every full
  // output chunk to the sink.
  Status Deflate(const uint8_t* input, size_t size, bool end_of_stream);
  Status Emit(const uint8_t* data, size_t size);

  Sink sink_;
  Status status_;
  bool finished_ = false;
  std::unique_ptr<isal_zstream> stream_;
  std::unique_ptr<uint8_t[]> level_buf_;
  std::unique_ptr<uint8_t[]> in_;  // input is gathered here so ISA-L sees large blocks
  size_t in_len_ = 0;
  std::unique_ptr<uint8_t[]> out_;  // one output chunk
  size_t out_len_ = 0;
  aws::StreamingHash md5_{aws::StreamingHash::Algorithm::kMd5};
  uint64_t compressed_bytes_ = 0;
  uint64_t uncompressed_bytes_ = 0;
  std::string md5_binary_;
};

}  // namespace tideline::exporter
