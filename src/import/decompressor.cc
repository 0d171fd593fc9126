#include "import/decompressor.h"

#include <zlib.h>
#include <zstd.h>

#include <memory>
#include <string>

namespace tideline::importer {
namespace {

constexpr size_t kOutputChunk = size_t{256} << 10;

class Passthrough : public Decompressor {
 public:
  Status Write(std::string_view input, const Output& out, bool* stopped) override {
    if (!input.empty() && !out(input)) *stopped = true;
    return Status::OK();
  }
  Status Finish() override { return Status::OK(); }
};

class Gunzip : public Decompressor {
 public:
  Gunzip() : out_(new unsigned char[kOutputChunk]) {
    stream_.zalloc = Z_NULL;
    stream_.zfree = Z_NULL;
    stream_.opaque = Z_NULL;
    init_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;  // 16: gzip framing only
  }
  ~Gunzip() override {
    if (init_) inflateEnd(&stream_);
  }

  Status Write(std::string_view input, const Output& out, bool* stopped) override {
    if (!init_) return Status::IOError("zlib inflateInit2 failed");
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    for (;;) {
      if (member_ended_) {
        if (stream_.avail_in == 0) break;
        // Another gzip member follows the one that ended.
        if (inflateReset(&stream_) != Z_OK) return Status::IOError("zlib inflateReset failed");
        member_ended_ = false;
      }
      stream_.next_out = out_.get();
      stream_.avail_out = kOutputChunk;
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        return Status::Corruption(std::string("not valid GZIP data (") +
                                  (stream_.msg ? stream_.msg : "inflate failed") + ")");
      }
      const size_t produced = kOutputChunk - stream_.avail_out;
      in_member_ = rc != Z_STREAM_END;
      member_ended_ = rc == Z_STREAM_END;
      if (produced > 0 &&
          !out(std::string_view(reinterpret_cast<const char*>(out_.get()), produced))) {
        *stopped = true;
        return Status::OK();
      }
      // A full output chunk may leave more output inside zlib even with no input left.
      if (stream_.avail_in == 0 && produced < kOutputChunk) break;
      if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input
    }
    return Status::OK();
  }

  Status Finish() override {
    if (in_member_) return Status::Corruption("the GZIP data ends before its end (truncated)");
    return Status::OK();
  }

 private:
  z_stream stream_{};
  bool init_ = false;
  bool in_member_ = false;
  bool member_ended_ = false;
  std::unique_ptr<unsigned char[]> out_;
};

class Unzstd : public Decompressor {
 public:
  Unzstd() : ctx_(ZSTD_createDCtx()), out_(new char[kOutputChunk]) {}
  ~Unzstd() override { ZSTD_freeDCtx(ctx_); }

  Status Write(std::string_view input, const Output& out, bool* stopped) override {
    if (!ctx_) return Status::IOError("ZSTD_createDCtx failed");
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    while (in.pos < in.size) {
      ZSTD_outBuffer o{out_.get(), kOutputChunk, 0};
      const size_t rc = ZSTD_decompressStream(ctx_, &o, &in);
      if (ZSTD_isError(rc)) {
        return Status::Corruption(std::string("not valid ZSTD data (") + ZSTD_getErrorName(rc) +
                                  ")");
      }
      pending_ = rc != 0;
      if (o.pos > 0 && !out(std::string_view(out_.get(), o.pos))) {
        *stopped = true;
        return Status::OK();
      }
    }
    // Output the decoder still holds for input it has consumed.
    for (;;) {
      ZSTD_outBuffer o{out_.get(), kOutputChunk, 0};
      const size_t rc = ZSTD_decompressStream(ctx_, &o, &in);
      if (ZSTD_isError(rc)) {
        return Status::Corruption(std::string("not valid ZSTD data (") + ZSTD_getErrorName(rc) +
                                  ")");
      }
      // With no input left, only output the decoder still holds counts; its return value then
      // hints at the next frame's header, not at an unfinished frame.
      if (o.pos == 0) break;
      pending_ = rc != 0;
      if (!out(std::string_view(out_.get(), o.pos))) {
        *stopped = true;
        return Status::OK();
      }
    }
    return Status::OK();
  }

  Status Finish() override {
    if (pending_) return Status::Corruption("the ZSTD data ends before its end (truncated)");
    return Status::OK();
  }

 private:
  ZSTD_DCtx* ctx_;
  std::unique_ptr<char[]> out_;
  bool pending_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> NewDecompressor(std::string_view compression) {
  if (compression == "GZIP") return std::make_unique<Gunzip>();
  if (compression == "ZSTD") return std::make_unique<Unzstd>();
  return std::make_unique<Passthrough>();
}

}  // namespace tideline::importer
