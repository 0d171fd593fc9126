// Base64 (standard alphabet, padded). Decoding is strict, as DynamoDB's is: length a multiple
// of 4, '=' only as one or two trailing pads, and the unused low bits of the last character zero
// (so every value has one encoding).

#include "common/base64.h"

#include <cstdint>

namespace tideline {
namespace {

constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct DecodeTable {
  int8_t v[256];
  constexpr DecodeTable() : v() {
    for (int i = 0; i < 256; ++i) v[i] = -1;
    for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(kChars[i])] = static_cast<int8_t>(i);
  }
  int operator()(char c) const { return v[static_cast<unsigned char>(c)]; }
};
constexpr DecodeTable kValue;

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.resize((bytes.size() + 2) / 3 * 4);
  size_t o = 0, i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out[o++] = kChars[n >> 18];
    out[o++] = kChars[(n >> 12) & 63];
    out[o++] = kChars[(n >> 6) & 63];
    out[o++] = kChars[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = p[i] << 16;
    if (rest == 2) n |= p[i + 1] << 8;
    out[o++] = kChars[n >> 18];
    out[o++] = kChars[(n >> 12) & 63];
    out[o++] = rest == 2 ? kChars[(n >> 6) & 63] : '=';
    out[o++] = '=';
  }
  return out;
}

bool Base64Decode(std::string_view in, std::string* out) {
  out->clear();
  if (in.size() % 4 != 0) return false;
  if (in.empty()) return true;
  const size_t pad = in.back() != '=' ? 0 : (in[in.size() - 2] == '=' ? 2 : 1);
  const size_t body = in.size() - pad;
  for (size_t i = 0; i < body; ++i) {
    if (kValue(in[i]) < 0) return false;
  }
  out->reserve(in.size() / 4 * 3);
  size_t i = 0;
  for (; i + 4 <= body; i += 4) {
    const uint32_t n = (kValue(in[i]) << 18) | (kValue(in[i + 1]) << 12) |
                       (kValue(in[i + 2]) << 6) | kValue(in[i + 3]);
    out->push_back(static_cast<char>(n >> 16));
    out->push_back(static_cast<char>(n >> 8));
    out->push_back(static_cast<char>(n));
  }
  if (pad == 0) return true;
  const uint32_t a = kValue(in[i]), b = kValue(in[i + 1]);
  if (pad == 2) {
    if (b & 0x0F) return false;
    out->push_back(static_cast<char>((a << 2) | (b >> 4)));
    return true;
  }
  const uint32_t c = kValue(in[i + 2]);
  if (c & 0x03) return false;
  out->push_back(static_cast<char>((a << 2) | (b >> 4)));
  out->push_back(static_cast<char>(((b & 0x0F) << 4) | (c >> 2)));
  return true;
}

}  // namespace tideline
