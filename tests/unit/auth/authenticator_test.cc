#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "common/api_error.h"

namespace tideline::auth {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::minutes;

constexpr char kDate[] = "20150830T123600Z";
// 2015-08-30T12:36:00Z
const Clock::time_point kNow = Clock::from_time_t(1440938160);

std::vector<KeyEntry> Keys() {
  std::vector<KeyEntry> keys(3);
  keys[0] = {"default", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", ""};
  keys[1] = {"temp", "ASIATEMP", "temp-secret", "the-session-token", "111122223333"};
  keys[2] = {"other", "AKIDOTHER", "other-secret", "", "111122223333"};
  return keys;
}

// A DynamoDB ListTables request, signed by the client signer (aws/sigv4.h, which passes AWS's
// test vectors) unless `secret` is empty.
aws::Request Signed(const std::string& key_id = "AKIDEXAMPLE",
                    const std::string& secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    const std::string& body = "{}", const std::string& region = "us-east-1",
                    const std::string& token = "") {
  aws::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "localhost:8000"},
               {"Content-Type", "application/x-amz-json-1.0"},
               {"X-Amz-Target", "DynamoDB_20120810.ListTables"}};
  aws::SigningOptions options;
  options.region = region;
  options.service = "dynamodb";
  options.amz_date = kDate;
  EXPECT_TRUE(aws::SignRequest({key_id, secret, token}, options, aws::Sha256Hex(body), &r).ok());
  return r;
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  // Verifies `r` with `body`; returns the error's "Type: message", or "OK <access key>".
  std::string Check(const aws::Request& r, const std::string& body = "{}",
                    Clock::time_point now = kNow) {
    std::vector<HeaderView> headers;
    for (const auto& [name, value] : r.headers) headers.push_back({name, value});
    const std::string target = r.query.empty() ? r.path : r.path + "?" + r.query;
    try {
      const Identity& who = auth_.Authenticate({r.method, target, headers, body}, now);
      return "OK " + who.access_key_id;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.http_status(), 400);
      return e.type() + ": " + e.message();
    }
  }
  Authenticator auth_{Keys(), "us-east-1"};
};

TEST_F(AuthenticatorTest, AcceptsTheRightKey) {
  EXPECT_EQ(Check(Signed()), "OK AKIDEXAMPLE");
  // Up to 15 minutes off either way.
  EXPECT_EQ(Check(Signed(), "{}", kNow + minutes(15)), "OK AKIDEXAMPLE");
  EXPECT_EQ(Check(Signed(), "{}", kNow - minutes(15)), "OK AKIDEXAMPLE");
}

TEST_F(AuthenticatorTest, AWrongSecretGivesTheCanonicalRequestAndStringToSign) {
  const std::string canonical =
      "POST\n/\n\n"
      "content-type:application/x-amz-json-1.0\nhost:localhost:8000\n"
      "x-amz-date:20150830T123600Z\nx-amz-target:DynamoDB_20120810.ListTables\n\n"
      "content-type;host;x-amz-date;x-amz-target\n" +
      aws::Sha256Hex("{}");
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/dynamodb/aws4_request\n" +
      aws::Sha256Hex(canonical);
  EXPECT_EQ(Check(Signed("AKIDEXAMPLE", "wrong")),
            "InvalidSignatureException: The request signature we calculated does not match the "
            "signature you provided. Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.\n\nThe Canonical String for this "
            "request should have been\n'" +
                canonical + "'\n\nThe String-to-Sign should have been\n'" + string_to_sign + "'\n");
}

TEST_F(AuthenticatorTest, TheBodyAsReceivedIsSigned) {
  const std::string result = Check(Signed(), "{\"Limit\":1}");
  EXPECT_EQ(result.rfind("InvalidSignatureException: The request signature we calculated", 0), 0u)
      << result;
  EXPECT_NE(result.find(aws::Sha256Hex("{\"Limit\":1}")), std::string::npos);
}

TEST_F(AuthenticatorTest, UnsignedPayloadIsNotAcceptedInTheHeaderForm) {
  aws::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "localhost:8000"}};
  aws::SigningOptions options;
  options.region = "us-east-1";
  options.service = "dynamodb";
  options.amz_date = kDate;
  options.set_content_sha256_header = true;
  ASSERT_TRUE(aws::SignRequest({"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""},
                               options, aws::kUnsignedPayload, &r)
                  .ok());
  EXPECT_EQ(Check(r).rfind("InvalidSignatureException: The request signature", 0), 0u);
}

TEST_F(AuthenticatorTest, UnknownKey) {
  EXPECT_EQ(Check(Signed("AKIDNOBODY", "x")),
            "UnrecognizedClientException: The security token included in the request is invalid.");
}

TEST_F(AuthenticatorTest, NoAuthentication) {
  aws::Request r = Signed();
  std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
  EXPECT_EQ(Check(r),
            "MissingAuthenticationTokenException: Request is missing Authentication Token");
  r.headers.emplace_back("Authorization", "AWS4");
  EXPECT_EQ(Check(r),
            "MissingAuthenticationTokenException: Request is missing Authentication Token");
  r.headers.back().second = "Basic dXNlcjpwYXNz";
  EXPECT_EQ(Check(r),
            "MissingAuthenticationTokenException: Request is missing Authentication Token");
}

// dynalite's connection test, recorded against DynamoDB.
TEST_F(AuthenticatorTest, IncompleteAuthorization) {
  aws::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "localhost:8000"}, {"Authorization", "AWS4-"}};
  EXPECT_EQ(Check(r),
            "IncompleteSignatureException: Authorization header requires 'Credential' parameter. "
            "Authorization header requires 'Signature' parameter. Authorization header requires "
            "'SignedHeaders' parameter. Authorization header requires existence of either a "
            "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-");
}

TEST_F(AuthenticatorTest, ExpiredAndNotYetCurrent) {
  EXPECT_EQ(Check(Signed(), "{}", kNow + minutes(20)),
            "InvalidSignatureException: Signature expired: 20150830T123600Z is now earlier than "
            "20150830T124100Z (20150830T125600Z - 15 min.)");
  EXPECT_EQ(Check(Signed(), "{}", kNow - minutes(20)),
            "InvalidSignatureException: Signature not yet current: 20150830T123600Z is still "
            "later than 20150830T123100Z (20150830T121600Z + 15 min.)");
}

TEST_F(AuthenticatorTest, MalformedDate) {
  aws::Request r = Signed();
  r.SetHeader("X-Amz-Date", "201");
  EXPECT_EQ(Check(r),
            "IncompleteSignatureException: Date must be in ISO-8601 'basic format'. Got '201'. "
            "See http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_F(AuthenticatorTest, AnotherRegion) {
  EXPECT_EQ(
      Check(Signed("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "{}", "eu-west-1")),
      "InvalidSignatureException: Credential should be scoped to a valid region, not "
      "'eu-west-1'.");
}

// The combined message dynalite records from DynamoDB.
TEST_F(AuthenticatorTest, EveryScopeErrorAtOnce) {
  aws::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "localhost:8000"},
               {"X-Amz-Date", kDate},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host;x-amz-date, "
                "Signature=00"}};
  EXPECT_EQ(Check(r),
            "InvalidSignatureException: Credential should be scoped to a valid region, not 'c'. "
            "Credential should be scoped to correct service: 'dynamodb'. Credential should be "
            "scoped with a valid terminator: 'aws4_request', not 'e'. Date in Credential scope "
            "does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'b' != "
            "'20150830', from '20150830T123600Z'.");
  r.SetHeader("Authorization",
              "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host;x-amz-date, Signature=0");
  EXPECT_EQ(Check(r),
            "IncompleteSignatureException: Credential must have exactly 5 slash-delimited "
            "elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'");
  r.SetHeader("Authorization",
              "AWS4-HMAC-SHA25 Credential=a/b/c/d, SignedHeaders=host;x-amz-date, Signature=0");
  EXPECT_EQ(Check(r),
            "IncompleteSignatureException: Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only "
            "AWS4-HMAC-SHA256 for now). ");
  r.SetHeader("Authorization",
              "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=x-amz-date, Signature=0");
  EXPECT_EQ(Check(r),
            "InvalidSignatureException: 'Host' or ':authority' must be a 'SignedHeader' in the "
            "AWS Authorization.");
}

// Commas alone may separate the fields (ScyllaDB's test_authorization_no_whitespace).
TEST_F(AuthenticatorTest, FieldsSeparatedByCommasOnly) {
  aws::Request r = Signed();
  std::string auth = *r.FindHeader("Authorization");
  std::string compact;
  bool first_space = true;
  for (char c : auth) {
    if (c == ' ' && !first_space) continue;
    if (c == ' ') first_space = false;
    compact.push_back(c);
  }
  r.SetHeader("Authorization", compact);
  EXPECT_EQ(Check(r), "OK AKIDEXAMPLE");
}

TEST_F(AuthenticatorTest, SessionTokens) {
  const std::string body = "{}";
  EXPECT_EQ(Check(Signed("ASIATEMP", "temp-secret", body, "us-east-1", "the-session-token")),
            "OK ASIATEMP");
  EXPECT_EQ(Check(Signed("ASIATEMP", "temp-secret", body, "us-east-1", "another-token")),
            "UnrecognizedClientException: The security token included in the request is invalid");
  EXPECT_EQ(Check(Signed("ASIATEMP", "temp-secret")),
            "UnrecognizedClientException: The security token included in the request is invalid");
  EXPECT_EQ(Check(Signed("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", body,
                         "us-east-1", "unexpected")),
            "UnrecognizedClientException: The security token included in the request is invalid");
}

TEST_F(AuthenticatorTest, AccountsOfTheKeys) {
  ASSERT_EQ(auth_.accounts(), std::vector<std::string>{"111122223333"});
  std::vector<HeaderView> headers;
  aws::Request r = Signed("AKIDOTHER", "other-secret");
  for (const auto& [name, value] : r.headers) headers.push_back({name, value});
  EXPECT_EQ(auth_.Authenticate({"POST", "/", headers, "{}"}, kNow).account, 0);
  r = Signed();
  headers.clear();
  for (const auto& [name, value] : r.headers) headers.push_back({name, value});
  EXPECT_EQ(auth_.Authenticate({"POST", "/", headers, "{}"}, kNow).account, -1);
}

// A presigned request as botocore's SigV4QueryAuth makes it: the X-Amz-* parameters in the
// query, the payload hash that of the body, as for every service but S3.
aws::Request Presigned(const std::string& expires,
                       const std::string& secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") {
  aws::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "localhost:8000"}, {"X-Amz-Target", "DynamoDB_20120810.ListTables"}};
  r.query =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1"
      "%2Fdynamodb%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=" +
      expires + "&X-Amz-SignedHeaders=host%3Bx-amz-target";
  const std::string canonical = aws::CanonicalRequest(
      r, {"host", "x-amz-target"}, aws::Sha256Hex("{}"), aws::UriRules::kGeneric);
  const std::string signature = aws::SignatureHex(
      aws::DeriveSigningKey(secret, "20150830", "us-east-1", "dynamodb"),
      aws::StringToSign(kDate, "20150830/us-east-1/dynamodb/aws4_request", canonical));
  r.query += "&X-Amz-Signature=" + signature;
  return r;
}

TEST_F(AuthenticatorTest, PresignedRequests) {
  EXPECT_EQ(Check(Presigned("3600"), "{}", kNow + minutes(59)), "OK AKIDEXAMPLE");
  EXPECT_EQ(Check(Presigned("3600"), "{}", kNow + minutes(61)),
            "InvalidSignatureException: Signature expired: 20150830T123600Z is now earlier than "
            "20150830T123700Z (20150830T133700Z - 60 min.)");
  EXPECT_EQ(Check(Presigned("3600", "wrong"), "{}", kNow)
                .rfind("InvalidSignatureException: The request signature we calculated", 0),
            0u);
  EXPECT_EQ(Check(Presigned("604801")),
            "IncompleteSignatureException: X-Amz-Expires must be less than a week (in seconds); "
            "that is, the given X-Amz-Expires must be less than 604800 seconds");
  aws::Request both = Presigned("60");
  both.headers.emplace_back("Authorization", *Signed().FindHeader("Authorization"));
  EXPECT_EQ(Check(both),
            "InvalidSignatureException: Found both 'X-Amz-Algorithm' as a query-string param and "
            "'Authorization' as HTTP header.");
  aws::Request partial;
  partial.method = "POST";
  partial.path = "/";
  partial.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20150830T123600Z";
  EXPECT_EQ(Check(partial),
            "IncompleteSignatureException: AWS query-string parameters must include "
            "'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS "
            "query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the "
            "query-string parameters.");
}

}  // namespace
}  // namespace tideline::auth
