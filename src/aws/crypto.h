#pragma once
// Hashing helpers over OpenSSL for SigV4 and S3: SHA-256, HMAC-SHA256, MD5 (one-shot and
// streaming) and hex (base64 is common/base64.h). Results are raw bytes in a std::string unless the
// name says Hex. None of these throw except std::bad_alloc.

#include <memory>
#include <string>
#include <string_view>

namespace tideline::aws {

std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string Sha256Hex(std::string_view data);                         // 64 lowercase hex chars
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string Md5(std::string_view data);                               // 16 raw bytes

// Into caller-provided buffers, without allocating (the per-request signature check).
void Sha256Into(std::string_view data, unsigned char out[32]);
void HmacSha256Into(std::string_view key, std::string_view data, unsigned char out[32]);
// Lowercase hex of bytes[0..n) into out[0..2n).
void HexEncodeInto(const unsigned char* bytes, size_t n, char* out);

// Lowercase hex of raw bytes.
std::string HexEncode(std::string_view bytes);

// Incremental hash, for data that arrives in pieces (streamed uploads and files).
class StreamingHash {
 public:
  enum class Algorithm { kMd5, kSha256 };
  explicit StreamingHash(Algorithm algorithm);
  ~StreamingHash();
  StreamingHash(const StreamingHash&) = delete;
  StreamingHash& operator=(const StreamingHash&) = delete;

  void Update(std::string_view data);
  // Returns the raw digest and resets the hash, so the object can hash the next piece.
  std::string Finish();

 private:
  struct Ctx;
  Algorithm algorithm_;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace tideline::aws
