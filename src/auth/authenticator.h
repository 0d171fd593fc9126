#pragma once
// Verifies the AWS Signature Version 4 of incoming requests against the keys of a credentials
// file (auth/credentials.h), in the order DynamoDB checks and with DynamoDB's errors (all HTTP
// 400), as dynalite records them from the real service:
//
//   1. both an Authorization header and X-Amz-Algorithm in the query -> InvalidSignature
//   2. neither, or an Authorization that does not start with "AWS4-"  -> MissingAuthenticationToken
//   3. Credential/Signature/SignedHeaders or the date missing         -> IncompleteSignature
//   4. a date not in ISO-8601 basic format                           -> IncompleteSignature
//      a date more than 15 minutes from now (presigned: past X-Amz-Expires)
//                                                                    -> InvalidSignature
//   5. host not among the signed headers                              -> InvalidSignature
//   6. an algorithm other than AWS4-HMAC-SHA256                       -> IncompleteSignature
//   7. a credential that is not key/date/region/service/aws4_request  -> IncompleteSignature
//   8. another region or service, a scope date not the request's      -> InvalidSignature
//   9. an access key id that is not in the file                       -> UnrecognizedClient
//  10. a signature that differs (compared in constant time)           -> InvalidSignature, with
//      the canonical request and the string to sign, as AWS gives them
//  11. a session token that is not the key's                          -> UnrecognizedClient
//
// The payload hash is always SHA-256 of the body bytes as received (before any
// Content-Encoding is undone), in both forms, as AWS's generic (non-S3) services compute it: an
// x-amz-content-sha256 header does not replace it, and UNSIGNED-PAYLOAD is refused, because
// DynamoDB is not S3. botocore's SigV4QueryAuth and the JS SDK's presigner sign it so too.
//
// Thread-safe. The derived signing key is cached per key and date; a request whose signature
// verifies costs two SHA-256 passes (canonical request and body) and two HMACs.

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/credentials.h"
#include "aws/sigv4.h"

namespace tideline::auth {

struct HeaderView {
  std::string_view name;  // as sent, any case
  std::string_view value;
};

// An HTTP request as the signature check sees it; everything is borrowed from the caller.
struct RequestView {
  std::string_view method;              // "POST"
  std::string_view target;              // the request-target: path, then '?' and the query, if any
  std::span<const HeaderView> headers;  // in arrival order
  std::string_view body;                // as received
};

// Who signed a request.
struct Identity {
  std::string access_key_id;
  std::string profile;
  // Index into Authenticator::accounts() of the account_id this key's section names, or -1
  // when it names none (the server's --account-id applies).
  int account = -1;
};

class Authenticator {
 public:
  // DynamoDB's (and SigV4's) allowed clock skew, in both directions.
  static constexpr std::chrono::minutes kMaxSkew{15};
  // The longest X-Amz-Expires SigV4 allows (one week).
  static constexpr int64_t kMaxExpiresSeconds = 604800;

  // `region` and `service`: the only ones a credential scope may name. Tideline verifies
  // DynamoDB requests (the defaults); the S3 client's tests verify what it signs with "s3" and
  // S3's URI rules, so that one verifier serves both.
  Authenticator(const std::vector<KeyEntry>& keys, std::string region,
                std::string service = "dynamodb",
                aws::UriRules uri_rules = aws::UriRules::kGeneric);
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Returns who signed `request`, or throws ApiError (the error DynamoDB gives) if it is not
  // validly signed at time `now`.
  const Identity& Authenticate(const RequestView& request,
                               std::chrono::system_clock::time_point now) const;

  // Steps 1 to 9 alone, which need no body: throws what Authenticate would throw for them.
  // For refusing a request before its body is read (`request.body` is not looked at).
  void CheckBeforeBody(const RequestView& request, std::chrono::system_clock::time_point now) const;

  // The distinct account ids the keys name, in file order.
  const std::vector<std::string>& accounts() const { return accounts_; }
  size_t key_count() const { return keys_.size(); }

 private:
  struct Key;
  const Key* Find(std::string_view access_key_id) const;
  const Identity& Check(const RequestView& request, std::chrono::system_clock::time_point now,
                        bool signature) const;

  std::string region_;
  std::string service_;
  aws::UriRules uri_rules_;
  std::vector<std::string> accounts_;
  std::vector<std::unique_ptr<Key>> keys_;
  std::unordered_map<std::string_view, const Key*> by_id_;  // views into keys_
};

}  // namespace tideline::auth
