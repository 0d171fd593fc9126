#include "api/stream_ids.h"

#include <algorithm>
#include <cstdio>

#include "common/base64.h"

namespace tideline::api {

namespace {

constexpr int kOpDigits = 5;
constexpr uint32_t kOpLimit = kLastSequenceOp + 1;  // op positions take kOpDigits digits
constexpr size_t kMinSequenceDigits = 21;

void PutU64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

std::optional<ParsedStreamArn> ParseStreamArn(const ServerConfig& config, std::string_view arn,
                                              bool* foreign) {
  *foreign = false;
  // arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
  constexpr std::string_view kPrefix = "arn:aws:dynamodb:";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = arn.substr(kPrefix.size());
  const size_t region_end = rest.find(':');
  if (region_end == std::string_view::npos) return std::nullopt;
  const std::string_view region = rest.substr(0, region_end);
  rest.remove_prefix(region_end + 1);
  const size_t account_end = rest.find(':');
  if (account_end == std::string_view::npos) return std::nullopt;
  const std::string_view account = rest.substr(0, account_end);
  rest.remove_prefix(account_end + 1);
  if (!rest.starts_with("table/")) return std::nullopt;
  rest.remove_prefix(6);
  const size_t stream_at = rest.find("/stream/");
  if (stream_at == std::string_view::npos || stream_at == 0) return std::nullopt;
  ParsedStreamArn out;
  out.table_name.assign(rest.substr(0, stream_at));
  out.label.assign(rest.substr(stream_at + 8));
  if (out.label.empty() || out.table_name.find('/') != std::string::npos) return std::nullopt;
  *foreign = region != config.region || account != config.account_id;
  return out;
}

std::string SequenceNumber(uint64_t ts, uint32_t op) {
  char op_digits[16];
  std::snprintf(op_digits, sizeof op_digits, "%05u", op % kOpLimit);
  std::string digits = std::to_string(ts) + op_digits;
  if (digits.size() < kMinSequenceDigits) {
    digits.insert(0, kMinSequenceDigits - digits.size(), '0');
  }
  return digits;
}

std::optional<storage::StreamPosition> ParseSequenceNumber(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
  storage::StreamPosition p;
  if (text.size() <= static_cast<size_t>(kOpDigits)) {
    p.op = static_cast<uint32_t>(std::stoul(std::string(text)));
    return p;
  }
  const std::string_view ts = text.substr(0, text.size() - kOpDigits);
  p.op = static_cast<uint32_t>(std::stoul(std::string(text.substr(ts.size()))));
  // Beyond any commit timestamp: the end of every shard.
  p.ts = ts.size() > 19 ? UINT64_MAX : std::stoull(std::string(ts));
  return p;
}

std::string EncodeShardIterator(const ShardIterator& it) {
  std::string payload(1, '\x02');
  PutU64(&payload, it.position.ts);
  PutU64(&payload, it.position.op);
  PutU64(&payload, static_cast<uint64_t>(it.issued_ms));
  PutU64(&payload, it.shard);
  return it.stream_arn + "|1|" + Base64Encode(payload);
}

std::optional<ShardIterator> DecodeShardIterator(std::string_view text) {
  const size_t bar = text.find("|1|");
  if (bar == std::string_view::npos) return std::nullopt;
  std::string payload;
  // Version 1 (before rollover, 25 bytes) named the only shard; iterators live 15 minutes, so
  // only version 2 is read.
  if (!Base64Decode(text.substr(bar + 3), &payload) || payload.size() != 33 ||
      payload[0] != '\x02') {
    return std::nullopt;
  }
  ShardIterator it;
  it.stream_arn.assign(text.substr(0, bar));
  it.position.ts = GetU64(payload.data() + 1);
  const uint64_t op = GetU64(payload.data() + 9);
  if (op >= kOpLimit) return std::nullopt;
  it.position.op = static_cast<uint32_t>(op);
  it.issued_ms = static_cast<int64_t>(GetU64(payload.data() + 17));
  it.shard = GetU64(payload.data() + 25);
  return it;
}

}  // namespace tideline::api
