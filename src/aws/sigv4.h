#pragma once
// AWS Signature Version 4 (AWS4-HMAC-SHA256): the signer of outgoing requests (the S3 sink) and
// the canonical forms that auth/authenticator.h, the one verifier of incoming ones, shares.
//
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//                      SignedHeaders \n HashedPayload
//   StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(sha256(CanonicalRequest))
//   Scope            = YYYYMMDD/region/service/aws4_request
//   SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4" secret, YYYYMMDD), region), service),
//                           "aws4_request")
//   Signature        = hex(HMAC(SigningKey, StringToSign))
//
// Canonical URI: S3 uses the path as sent (each segment percent-encoded once, nothing
// normalized: keys may hold "//" or ".."); every other service removes dot segments, merges
// empty ones and then encodes the already-encoded path a second time.
// Signing fails with InvalidArgument (no Host header, no credentials). Nothing here throws.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tideline::aws {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// hex(sha256("")): the payload hash of every request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // sent as X-Amz-Security-Token when non-empty
};

enum class UriRules { kS3, kGeneric };

// An HTTP request as SigV4 sees it.
struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string path;    // request-target path as sent (percent-encoded or raw), no query
  std::string query;   // query string as sent, without the '?'
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names in any case

  // The value of the first header named `name` (case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
  // Replaces every header named `name` (case-insensitive) by one with `value`.
  void SetHeader(std::string_view name, std::string value);
};

// Percent-encodes everything but the unreserved A-Z a-z 0-9 - _ . ~ (and '/' unless
// `encode_slash`), with uppercase hex digits, as SigV4 requires.
std::string UriEncode(std::string_view s, bool encode_slash);
// Decodes %XX escapes (a malformed escape is kept as is). '+' stays '+'.
std::string UriDecode(std::string_view s);

std::string CanonicalUri(std::string_view path, UriRules rules);
// Parameters decoded, re-encoded, sorted by name then value; "k" becomes "k=".
std::string CanonicalQueryString(std::string_view query);
// Appends `value` trimmed, every inner run of whitespace collapsed to one space (SigV4's
// "Trimall" of a canonical header value).
void AppendTrimAll(std::string* out, std::string_view value);
// `signed_headers`: lowercase names, sorted. Values trimmed, inner runs of spaces collapsed,
// repeated headers joined with ',' in arrival order. One "name:value\n" line per header.
std::string CanonicalHeaders(const Request& request,
                             const std::vector<std::string>& signed_headers);
std::string CanonicalRequest(const Request& request, const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash, UriRules rules);
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// Raw 32-byte key; callers may cache it per (secret, date, region, service).
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

// "YYYYMMDDTHHMMSSZ" in UTC.
std::string FormatAmzDate(std::chrono::system_clock::time_point t);

// Compares in time independent of where the first difference is (lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// ---- Signing ----

struct SigningOptions {
  std::string region;
  std::string service;
  UriRules uri_rules = UriRules::kGeneric;
  std::string amz_date;                    // empty: the current time
  bool set_content_sha256_header = false;  // S3 requires x-amz-content-sha256
};

// Signs `request` in place. Adds X-Amz-Date, X-Amz-Security-Token (when the credentials carry a
// session token) and, when asked, X-Amz-Content-Sha256, then an Authorization header covering
// every header present except those that intermediaries add or change (user-agent, expect,
// transfer-encoding, x-amzn-trace-id). A Host header must be present.
// `payload_hash`: hex(sha256(body)), or kUnsignedPayload where the service allows it (S3).
// On return *signature (may be null) holds the hex signature.
Status SignRequest(const Credentials& credentials, const SigningOptions& options,
                   std::string_view payload_hash, Request* request,
                   std::string* signature = nullptr);

}  // namespace tideline::aws
