#include "http/wire.h"

#include <libdeflate.h>

#include <charconv>
#include <chrono>
#include <ctime>
#include <random>
#include <thread>

namespace tideline::http {

uint32_t Crc32(std::string_view data) {
  // libdeflate's CRC-32 is zlib's function (same polynomial, init and final xor) but uses
  // PCLMUL, which matters for megabyte-sized Scan/BatchGetItem responses.
  return libdeflate_crc32(0, data.data(), data.size());
}

namespace {

// splitmix64: tiny, fast and good enough for ids that only need to be unique, not secret.
struct IdGenerator {
  uint64_t state;
  IdGenerator() {
    std::random_device rd;
    state = (uint64_t{rd()} << 32) ^ rd() ^
            static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
            std::hash<std::thread::id>{}(std::this_thread::get_id());
  }
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

// The Date header changes once a second; format it once per second per thread.
struct DateCache {
  int64_t second = -1;
  char text[32];
  size_t size = 0;
  std::string_view Get() {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (now != second) {
      second = now;
      const time_t t = static_cast<time_t>(now);
      struct tm tm;
      gmtime_r(&t, &tm);
      size = strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    }
    return std::string_view(text, size);
  }
};

void AppendNumber(std::string* out, uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr);
}

}  // namespace

void NewRequestId(char* out) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  thread_local IdGenerator gen;
  size_t i = 0;
  while (i < kRequestIdLength) {
    uint64_t bits = gen.Next();
    for (int k = 0; k < 12 && i < kRequestIdLength; ++k, bits >>= 5)
      out[i++] = kAlphabet[bits & 31];
  }
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 413:
      return "Request Entity Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

void AppendResponseHead(std::string* out, int status, std::string_view content_type,
                        std::string_view body, ConnectionHeader connection,
                        std::string_view extra_headers, std::string_view request_id) {
  thread_local DateCache date;
  out->append("HTTP/1.1 ");
  AppendNumber(out, static_cast<uint64_t>(status));
  out->push_back(' ');
  out->append(ReasonPhrase(status));
  out->append("\r\nx-amzn-RequestId: ");
  if (request_id.empty()) {
    char id[kRequestIdLength];
    NewRequestId(id);
    out->append(id, kRequestIdLength);
  } else {
    out->append(request_id);
  }
  out->append("\r\nx-amz-crc32: ");
  AppendNumber(out, Crc32(body));
  if (!content_type.empty()) {
    out->append("\r\nContent-Type: ");
    out->append(content_type);
  }
  out->append("\r\nContent-Length: ");
  AppendNumber(out, body.size());
  out->append("\r\nDate: ");
  out->append(date.Get());
  switch (connection) {
    case ConnectionHeader::kNone:
      break;
    case ConnectionHeader::kClose:
      out->append("\r\nConnection: close");
      break;
    case ConnectionHeader::kKeepAlive:
      out->append("\r\nConnection: keep-alive");
      break;
  }
  out->append("\r\n");
  out->append(extra_headers);
  out->append("\r\n");
}

}  // namespace tideline::http
