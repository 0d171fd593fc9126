#pragma once
// HTTP content codings of DynamoDB's requests and responses.
//
// Requests: some SDKs (botocore's request compression, for one) send the body gzip-compressed
// with `Content-Encoding: gzip`. The signature covers the bytes as sent, so the body is decoded
// after the signature check, just before the JSON is parsed. What DynamoDB answers, as recorded
// by ScyllaDB Alternator's tests run against AWS (test_compressed_request.py):
//   - gzip (several concatenated members allowed)  -> decoded
//   - a body that is not valid for its coding      -> 500 InternalServerError
//   - a Content-Encoding DynamoDB does not know     -> 500 InternalServerError; never run as JSON
// Tideline also decodes `deflate` (RFC 9110: the zlib format; a raw deflate stream is accepted
// too) and limits the decoded body to DynamoDB's 16 MB request size (413 beyond, so a "zip bomb"
// costs at most that much memory). DynamoDB itself does not bound the decoded size; Alternator
// and Tideline deliberately differ there.
//
// Responses: DynamoDB compresses a response of at least 4 KB when the request's Accept-Encoding
// allows gzip or deflate (same source, test_compressed_response.py), and then x-amz-crc32 is the
// CRC-32 of the compressed bytes as sent (AWS's Go SDK v2 and Java SDK v2 say so and check it
// that way). Clients that send no Accept-Encoding (boto3, the AWS CLI) get plain bodies.

#include <cstddef>
#include <string>
#include <string_view>

#include "http/request_parser.h"
#include "http/router.h"

namespace tideline::http {

// DynamoDB's request size limit, applied to the decoded body too.
inline constexpr size_t kMaxDecodedBodyBytes = 16 * 1024 * 1024;

// Sets *body to the request body to dispatch: request.body itself when it has no content coding,
// otherwise its decoding, kept in *decoded. On failure fills *reply with DynamoDB's error (its
// content_type must already be set) and returns false.
bool DecodeRequestBody(const Request& request, std::string* decoded, std::string_view* body,
                       Reply* reply);

enum class ResponseEncoding { kIdentity, kGzip, kDeflate };

// Responses smaller than this are sent as they are, whatever the client accepts.
inline constexpr size_t kMinCompressedResponseBytes = 4096;

// The coding for a response to a request with this Accept-Encoding value, the way DynamoDB
// chooses it: the highest quality wins (a malformed q counts as 1, a q over 1 as 1), an explicit
// coding wins over `*` at equal quality and the earlier one over the later; `identity` never
// prevents compression; unknown or malformed codings are ignored.
ResponseEncoding ChooseResponseEncoding(std::string_view accept_encoding);

// The Content-Encoding header value of `encoding` ("gzip" or "deflate").
std::string_view EncodingName(ResponseEncoding encoding);

// Compresses `body` with `encoding` (not kIdentity) into *out, replacing its contents.
void CompressBody(ResponseEncoding encoding, std::string_view body, std::string* out);

}  // namespace tideline::http
