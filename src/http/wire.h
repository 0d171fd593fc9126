#pragma once
// The bytes of DynamoDB's HTTP responses, free of any socket: the CRC the SDKs verify, the
// request id, and the serialized response head.
//
// A response as DynamoDB sends it (and as AppendResponseHead writes it):
//   HTTP/1.1 <status> <reason>\r\n
//   x-amzn-RequestId: <52 chars of [0-9A-V]>\r\n
//   x-amz-crc32: <zlib crc32 of the body bytes, unsigned decimal>\r\n
//   Content-Type: <type>\r\n                  (omitted when empty)
//   Content-Length: <n>\r\n
//   Date: <IMF-fixdate>\r\n
//   [Connection: close | keep-alive]\r\n    (close when the server will close; keep-alive only
//                                            for an HTTP/1.0 client that asked for it)
//   [extra header lines, already terminated by \r\n]
//   \r\n
//   <body>

#include <cstdint>
#include <string>
#include <string_view>

namespace tideline::http {

// zlib-compatible CRC-32 (the gzip polynomial) of `data`; what x-amz-crc32 carries. The SDKs
// (boto3, Java, Go) recompute it over the body and retry/fail on a mismatch.
uint32_t Crc32(std::string_view data);

// Length of an x-amzn-RequestId: DynamoDB's ids are 52 characters of [0-9A-V].
inline constexpr size_t kRequestIdLength = 52;

// Writes a fresh random request id into out[0..kRequestIdLength). Thread-safe (thread-local
// generator), no allocation.
void NewRequestId(char* out);

// The standard reason phrase of an HTTP status ("OK", "Bad Request", ...); "Unknown" if none.
std::string_view ReasonPhrase(int status);

enum class ConnectionHeader { kNone, kClose, kKeepAlive };

// Appends the whole response head for a body of `body` (used for Content-Length and
// x-amz-crc32) to *out. `extra_headers` is a block of complete "Name: value\r\n" lines.
// `request_id` is the id given to the request when it was routed (and logged with it); empty
// for answers that no request id was made for (a malformed request), which get a fresh one.
void AppendResponseHead(std::string* out, int status, std::string_view content_type,
                        std::string_view body, ConnectionHeader connection,
                        std::string_view extra_headers = {}, std::string_view request_id = {});

}  // namespace tideline::http
