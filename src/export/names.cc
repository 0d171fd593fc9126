// Export ids and S3 key names.

#include "export/names.h"

#include <openssl/rand.h>

#include <cstdio>
#include <random>

namespace tideline::exporter {
namespace {

// Names must not collide across exports and restarts, so they come from the OS's CSPRNG; a
// seeded std::random_device stream is the fallback should OpenSSL's generator ever fail.
void RandomBytes(unsigned char* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) == 1) return;
  thread_local std::mt19937_64 fallback{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                                        std::random_device{}()};
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(fallback());
}

}  // namespace

std::string NewExportId(int64_t start_ms) {
  unsigned char random[4];
  RandomBytes(random, sizeof(random));
  const uint32_t bits = (uint32_t{random[0]} << 24) | (uint32_t{random[1]} << 16) |
                        (uint32_t{random[2]} << 8) | uint32_t{random[3]};
  char id[40];
  std::snprintf(id, sizeof(id), "%014lld-%08x", static_cast<long long>(start_ms), bits);
  return id;
}

std::string Base32LowerNoPad(std::string_view bytes) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string NewDataFileName() {
  unsigned char random[16];
  RandomBytes(random, sizeof(random));
  return Base32LowerNoPad(std::string_view(reinterpret_cast<const char*>(random), sizeof(random)));
}

std::string AwsDynamoDbPrefix(const std::string& s3_prefix) {
  if (s3_prefix.empty()) return "AWSDynamoDB";
  if (s3_prefix.back() == '/') return s3_prefix + "AWSDynamoDB";
  return s3_prefix + "/AWSDynamoDB";
}

std::string ExportPrefix(const std::string& s3_prefix, const std::string& export_id) {
  return AwsDynamoDbPrefix(s3_prefix) + "/" + export_id;
}

std::string IncrementalDataPrefix(const std::string& s3_prefix) {
  return AwsDynamoDbPrefix(s3_prefix) + "/data";
}

}  // namespace tideline::exporter
