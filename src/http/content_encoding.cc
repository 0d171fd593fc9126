#include "http/content_encoding.h"

#include <libdeflate.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <charconv>
#include <memory>

#include "common/api_error.h"
#include "http/dispatcher.h"

namespace tideline::http {

namespace beast = boost::beast;

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return beast::iequals(beast::string_view(a.data(), a.size()),
                        beast::string_view(b.data(), b.size()));
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ---- request bodies ----

enum class Coding { kIdentity, kGzip, kDeflate, kUnknown };

// The one content coding of a Content-Encoding value; `identity` entries are no-ops, and a stack
// of two real codings is not something any SDK sends, so it counts as unknown.
Coding ParseContentEncoding(std::string_view value) {
  Coding coding = Coding::kIdentity;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view name = TrimOws(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    Coding next;
    if (name.empty() || IEquals(name, "identity")) {
      continue;
    } else if (IEquals(name, "gzip") || IEquals(name, "x-gzip")) {
      next = Coding::kGzip;
    } else if (IEquals(name, "deflate")) {
      next = Coding::kDeflate;
    } else {
      return Coding::kUnknown;
    }
    if (coding != Coding::kIdentity) return Coding::kUnknown;
    coding = next;
  }
  return coding;
}

enum class InflateResult { kOk, kCorrupt, kTooLarge };

// Inflates `in` into *out, stopping as soon as the output would pass `max_bytes`, so that the
// memory spent on a small body that expands enormously stays bounded. `window_bits` selects the
// format as zlib's inflateInit2 does; `multi_member` accepts concatenated gzip members.
InflateResult Inflate(std::string_view in, int window_bits, bool multi_member, size_t max_bytes,
                      std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return InflateResult::kCorrupt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  out->clear();
  size_t produced = 0;
  InflateResult result = InflateResult::kOk;
  char spare;  // where one byte past a full output at max_bytes would go
  for (;;) {
    if (produced == out->size() && out->size() < max_bytes) {
      // Doubling, as the string itself would grow, up to the limit exactly.
      out->resize(std::min(max_bytes, std::max<size_t>(out->size() * 2, 64 * 1024)));
    }
    const bool full = produced == out->size();
    zs.next_out = reinterpret_cast<Bytef*>(full ? &spare : out->data() + produced);
    zs.avail_out = full ? 1 : static_cast<uInt>(out->size() - produced);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    if (full && zs.avail_out == 0) {
      result = InflateResult::kTooLarge;
      break;
    }
    if (!full) produced = out->size() - zs.avail_out;
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      // DynamoDB was seen to ignore junk after a valid gzip member; Tideline refuses it, as a
      // body that is not what it claims to be.
      if (!multi_member || inflateReset(&zs) != Z_OK) {
        result = InflateResult::kCorrupt;
        break;
      }
      continue;
    }
    // Z_BUF_ERROR with room left in the output: the input ended before the stream did.
    if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs.avail_out == 0 && !full)) {
      result = InflateResult::kCorrupt;
      break;
    }
  }
  inflateEnd(&zs);
  out->resize(result == InflateResult::kOk ? produced : 0);
  return result;
}

// RFC 9110's "deflate" is the zlib format (RFC 1950); some clients send a raw deflate stream
// (RFC 1951) instead. A zlib stream starts with a header whose check bits make it a multiple of 31.
bool LooksLikeZlib(std::string_view in) {
  if (in.size() < 2) return false;
  const auto b0 = static_cast<unsigned char>(in[0]);
  const auto b1 = static_cast<unsigned char>(in[1]);
  return (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
}

void Fail(const ApiError& error, Reply* reply) {
  reply->status = error.http_status();
  reply->body = ErrorBody(error);
}

}  // namespace

bool DecodeRequestBody(const Request& request, std::string* decoded, std::string_view* body,
                       Reply* reply) {
  *body = request.body;
  if (request.content_encoding.empty()) return true;
  const Coding coding = ParseContentEncoding(request.content_encoding);
  InflateResult result = InflateResult::kOk;
  switch (coding) {
    case Coding::kIdentity:
      return true;
    case Coding::kUnknown:
      // DynamoDB answers 500 here (Alternator's test_garbage_content_encoding, run against AWS);
      // its message is not recorded, so the generic one is sent.
      spdlog::warn("refused a request body with an unsupported Content-Encoding '{}'",
                   request.content_encoding.substr(0, 100));
      Fail(ApiError::Internal("unsupported Content-Encoding"), reply);
      return false;
    case Coding::kGzip:
      result = Inflate(request.body, 16 + MAX_WBITS, true, kMaxDecodedBodyBytes, decoded);
      break;
    case Coding::kDeflate:
      result = Inflate(request.body, LooksLikeZlib(request.body) ? MAX_WBITS : -MAX_WBITS, false,
                       kMaxDecodedBodyBytes, decoded);
      break;
  }
  if (result == InflateResult::kTooLarge) {
    Fail(ApiError::RequestEntityTooLarge("Request payload size exceeds the limit"), reply);
    return false;
  }
  if (result == InflateResult::kCorrupt) {
    // DynamoDB answers 500 to a body that does not decode (Alternator's test_broken_gzip_content).
    spdlog::warn("refused a request body that is not valid for its Content-Encoding '{}'",
                 request.content_encoding.substr(0, 100));
    Fail(ApiError::Internal("corrupt request body"), reply);
    return false;
  }
  *body = *decoded;
  return true;
}

// ---- responses ----

namespace {

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// The q of an Accept-Encoding element's parameters: the first `q` parameter counts; a value
// that is not a number counts as 1, and anything over 1 as 1.
double Quality(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    const std::string_view param = params.substr(0, semi);
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    const size_t eq = param.find('=');
    if (eq == std::string_view::npos || !IEquals(TrimOws(param.substr(0, eq)), "q")) {
      continue;
    }
    const std::string_view text = TrimOws(param.substr(eq + 1));
    double q = 1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), q);
    if (ec != std::errc() || end != text.data() + text.size()) return 1;
    return std::min(q, 1.0);
  }
  return 1;
}

struct Candidate {
  double explicit_q = -1;  // < 0: not named
  size_t position = 0;     // index of the first element naming it
};

}  // namespace

ResponseEncoding ChooseResponseEncoding(std::string_view accept_encoding) {
  Candidate gzip, deflate;
  double wildcard_q = -1;
  size_t position = 0;
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    const std::string_view element = TrimOws(accept_encoding.substr(0, comma));
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const size_t semi = element.find(';');
    const std::string_view name = TrimOws(element.substr(0, semi));
    if (!IsToken(name)) continue;
    const double q = semi == std::string_view::npos ? 1 : Quality(element.substr(semi + 1));
    Candidate* c = nullptr;
    if (IEquals(name, "gzip")) {
      c = &gzip;
    } else if (IEquals(name, "deflate")) {
      c = &deflate;
    } else if (name == "*") {
      wildcard_q = std::max(wildcard_q, q);
      continue;
    } else {
      continue;
    }
    if (c->explicit_q < 0) c->position = position++;
    c->explicit_q = std::max(c->explicit_q, q);
  }
  const double gzip_q = gzip.explicit_q >= 0 ? gzip.explicit_q : wildcard_q;
  const double deflate_q = deflate.explicit_q >= 0 ? deflate.explicit_q : wildcard_q;
  if (gzip_q <= 0 && deflate_q <= 0) return ResponseEncoding::kIdentity;
  if (gzip_q != deflate_q) {
    return gzip_q > deflate_q ? ResponseEncoding::kGzip : ResponseEncoding::kDeflate;
  }
  // Equal quality: a named coding before one that only `*` allows, then the earlier named one.
  const bool gzip_named = gzip.explicit_q >= 0;
  const bool deflate_named = deflate.explicit_q >= 0;
  if (gzip_named != deflate_named) {
    return gzip_named ? ResponseEncoding::kGzip : ResponseEncoding::kDeflate;
  }
  if (gzip_named && deflate.position < gzip.position) return ResponseEncoding::kDeflate;
  return ResponseEncoding::kGzip;
}

std::string_view EncodingName(ResponseEncoding encoding) {
  return encoding == ResponseEncoding::kDeflate ? "deflate" : "gzip";
}

void CompressBody(ResponseEncoding encoding, std::string_view body, std::string* out) {
  // Level 4: most of level 6's ratio on JSON at about twice the speed. One compressor per
  // thread, made on first use.
  struct Free {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
  };
  thread_local std::unique_ptr<libdeflate_compressor, Free> compressor(
      libdeflate_alloc_compressor(4));
  const bool gzip = encoding == ResponseEncoding::kGzip;
  const size_t bound = gzip ? libdeflate_gzip_compress_bound(compressor.get(), body.size())
                            : libdeflate_zlib_compress_bound(compressor.get(), body.size());
  out->resize(bound);
  const size_t n = gzip ? libdeflate_gzip_compress(compressor.get(), body.data(), body.size(),
                                                   out->data(), out->size())
                        : libdeflate_zlib_compress(compressor.get(), body.data(), body.size(),
                                                   out->data(), out->size());
  out->resize(n);
}

}  // namespace tideline::http
