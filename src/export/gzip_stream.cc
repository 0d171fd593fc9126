// GzipStream over ISA-L igzip. We write the 10-byte header ourselves and let ISA-L append the
// trailer (IGZIP_GZIP_NO_HDR: raw deflate + CRC32 + ISIZE, the CRC computed as it compresses).
// ISA-L 2.30's default header happens to be AWS's bytes too, but the format must not depend on
// a library default (zlib's, for one, writes OS=3).

#include "export/gzip_stream.h"

#include <isa-l.h>

#include <algorithm>
#include <cstring>

#include "common/base64.h"

namespace tideline::exporter {
namespace {

// What AWS writes: ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown).
constexpr uint8_t kGzipHeader[10] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff};
// The whole gzip of zero bytes as AWS writes it: header, one empty fixed-Huffman final block
// (03 00), CRC32 0, ISIZE 0.
constexpr uint8_t kEmptyGzip[20] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
                                    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
// Input is gathered into blocks of this size: ISA-L's per-call overhead is noticeable when it
// is fed one 200-byte line at a time.
constexpr size_t kInputBlock = 256 << 10;
// isal_zstream::avail_in is 32 bits.
constexpr size_t kMaxDirectInput = 1u << 30;

size_t LevelBufferSize(int level) {
  switch (level) {
    case 0:
      return 0;
    case 1:
      return ISAL_DEF_LVL1_DEFAULT;
    case 2:
      return ISAL_DEF_LVL2_DEFAULT;
    case 3:
      return ISAL_DEF_LVL3_DEFAULT;
  }
  return 0;
}

}  // namespace

GzipStream::GzipStream(Sink sink, int level)
    : sink_(std::move(sink)),
      stream_(std::make_unique<isal_zstream>()),
      in_(new uint8_t[kInputBlock]),
      out_(new uint8_t[kChunkSize]) {
  if (level < ISAL_DEF_MIN_LEVEL || level > ISAL_DEF_MAX_LEVEL) {
    status_ = Status::InvalidArgument("gzip level must be 0..3, got " + std::to_string(level));
    return;
  }
  isal_deflate_init(stream_.get());
  stream_->level = static_cast<uint32_t>(level);
  if (size_t size = LevelBufferSize(level); size > 0) {
    level_buf_.reset(new uint8_t[size]);
    stream_->level_buf = level_buf_.get();
    stream_->level_buf_size = static_cast<uint32_t>(size);
  }
  stream_->gzip_flag = IGZIP_GZIP_NO_HDR;
  std::memcpy(out_.get(), kGzipHeader, sizeof(kGzipHeader));
  out_len_ = sizeof(kGzipHeader);
}

GzipStream::~GzipStream() = default;

Status GzipStream::Write(std::string_view data) {
  if (!status_.ok()) return status_;
  if (finished_) return status_ = Status::InvalidArgument("GzipStream::Write after Finish");
  uncompressed_bytes_ += data.size();
  while (!data.empty()) {
    if (in_len_ == 0 && data.size() >= kInputBlock) {
      // A large write is compressed where it lies (ISA-L keeps its own copy of the history).
      const size_t take = std::min(data.size(), kMaxDirectInput);
      const auto* input = reinterpret_cast<const uint8_t*>(data.data());
      if (Status s = Deflate(input, take, false); !s.ok()) return s;
      data.remove_prefix(take);
      continue;
    }
    const size_t take = std::min(data.size(), kInputBlock - in_len_);
    std::memcpy(in_.get() + in_len_, data.data(), take);
    in_len_ += take;
    data.remove_prefix(take);
    if (in_len_ == kInputBlock) {
      if (Status s = Deflate(in_.get(), in_len_, false); !s.ok()) return s;
      in_len_ = 0;
    }
  }
  return Status::OK();
}

Status GzipStream::Finish() {
  if (!status_.ok()) return status_;
  if (finished_) return status_ = Status::InvalidArgument("GzipStream::Finish called twice");
  finished_ = true;
  if (uncompressed_bytes_ == 0) {
    // AWS's empty file is these 20 bytes. ISA-L 2.30 happens to emit the same (03 00 + zero
    // trailer); writing them ourselves keeps it so whatever a compressor version chooses.
    out_len_ = 0;
    if (Status s = Emit(kEmptyGzip, sizeof(kEmptyGzip)); !s.ok()) return s;
  } else {
    if (Status s = Deflate(in_.get(), in_len_, true); !s.ok()) return s;
    in_len_ = 0;
    if (out_len_ > 0) {
      if (Status s = Emit(out_.get(), out_len_); !s.ok()) return s;
      out_len_ = 0;
    }
  }
  md5_binary_ = md5_.Finish();
  return Status::OK();
}

std::string GzipStream::md5_base64() const {
  return md5_binary_.empty() ? std::string() : Base64Encode(md5_binary_);
}

Status GzipStream::Deflate(const uint8_t* input, size_t size, bool end_of_stream) {
  isal_zstream* z = stream_.get();
  z->next_in = const_cast<uint8_t*>(input);
  z->avail_in = static_cast<uint32_t>(size);
  z->end_of_stream = end_of_stream ? 1 : 0;
  z->flush = NO_FLUSH;
  for (;;) {
    z->next_out = out_.get() + out_len_;
    z->avail_out = static_cast<uint32_t>(kChunkSize - out_len_);
    const uint32_t in_before = z->avail_in;
    const size_t out_before = out_len_;
    const int rc = isal_deflate(z);
    if (rc != COMP_OK) {
      return status_ = Status::IOError("isal_deflate failed with code " + std::to_string(rc));
    }
    out_len_ = kChunkSize - z->avail_out;
    if (out_len_ == kChunkSize) {
      if (Status s = Emit(out_.get(), out_len_); !s.ok()) return s;
      out_len_ = 0;
      continue;  // the compressor may hold more output
    }
    // Output space is left, so the compressor has taken all input; at the end it must also
    // have written the trailer.
    if (z->avail_in == 0 && (!end_of_stream || z->internal_state.state == ZSTATE_END)) break;
    if (z->avail_in == in_before && out_len_ == out_before) {
      return status_ = Status::IOError("isal_deflate made no progress");
    }
  }
  return Status::OK();
}

Status GzipStream::Emit(const uint8_t* data, size_t size) {
  md5_.Update(std::string_view(reinterpret_cast<const char*>(data), size));
  compressed_bytes_ += size;
  Status s = sink_(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!s.ok()) status_ = s;
  return s;
}

}  // namespace tideline::exporter
