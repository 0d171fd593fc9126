#include "aws/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <new>

namespace tideline::aws {
namespace {

const EVP_MD* Digest(StreamingHash::Algorithm algorithm) {
  return algorithm == StreamingHash::Algorithm::kMd5 ? EVP_md5() : EVP_sha256();
}

std::string OneShot(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest only fails on allocation failure inside OpenSSL.
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) throw std::bad_alloc();
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string Sha256(std::string_view data) { return OneShot(EVP_sha256(), data); }
std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }
std::string Md5(std::string_view data) { return OneShot(EVP_md5(), data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &len) == nullptr) {
    throw std::bad_alloc();
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

namespace {

// OpenSSL 3 looks an algorithm up (under a lock) on every one-shot EVP_Digest or HMAC call;
// the per-request hashes reuse one fetched SHA-256 and one context per thread instead.
struct ThreadSha256 {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadSha256() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  void Hash(std::string_view a, std::string_view b, unsigned char out[32]) {
    unsigned int len = 0;
    if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex(ctx, md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx, a.data(), a.size()) != 1 ||
        EVP_DigestUpdate(ctx, b.data(), b.size()) != 1 || EVP_DigestFinal_ex(ctx, out, &len) != 1) {
      throw std::bad_alloc();
    }
  }
};

ThreadSha256& Sha256Context() {
  thread_local ThreadSha256 sha;
  return sha;
}

}  // namespace

void Sha256Into(std::string_view data, unsigned char out[32]) {
  Sha256Context().Hash(data, {}, out);
}

// HMAC (RFC 2104) over SHA-256: H((K ^ opad) || H((K ^ ipad) || data)), K padded to the
// 64-byte block (hashed first when longer).
void HmacSha256Into(std::string_view key, std::string_view data, unsigned char out[32]) {
  constexpr size_t kBlock = 64;
  unsigned char k[kBlock] = {};
  if (key.size() > kBlock) {
    Sha256Into(key, k);
  } else {
    std::copy(key.begin(), key.end(), k);
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = k[i] ^ 0x36;
    opad[i] = k[i] ^ 0x5c;
  }
  unsigned char inner[32];
  ThreadSha256& sha = Sha256Context();
  sha.Hash(std::string_view(reinterpret_cast<const char*>(ipad), kBlock), data, inner);
  sha.Hash(std::string_view(reinterpret_cast<const char*>(opad), kBlock),
           std::string_view(reinterpret_cast<const char*>(inner), 32), out);
  OPENSSL_cleanse(k, sizeof(k));
  OPENSSL_cleanse(ipad, sizeof(ipad));
  OPENSSL_cleanse(opad, sizeof(opad));
}

void HexEncodeInto(const unsigned char* bytes, size_t n, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

struct StreamingHash::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

StreamingHash::StreamingHash(Algorithm algorithm)
    : algorithm_(algorithm), ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, Digest(algorithm_), nullptr) != 1) {
    throw std::bad_alloc();
  }
}

StreamingHash::~StreamingHash() = default;

void StreamingHash::Update(std::string_view data) {
  EVP_DigestUpdate(ctx_->md, data.data(), data.size());
}

std::string StreamingHash::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, out, &len);
  EVP_DigestInit_ex(ctx_->md, Digest(algorithm_), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace tideline::aws
