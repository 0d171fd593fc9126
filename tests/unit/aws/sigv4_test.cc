// SigV4 against AWS's published vectors: the SigV4 test suite (AKIDEXAMPLE, 20150830T123600Z,
// us-east-1, service "service") and the examples of the S3 "Signature Calculations for the
// Authorization Header" page (AKIAIOSFODNN7EXAMPLE, 20130524T000000Z, us-east-1, s3).

#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include "aws/crypto.h"
#include "common/base64.h"

namespace tideline::aws {
namespace {

const Credentials kSuiteCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const Credentials kS3Creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr char kSuiteDate[] = "20150830T123600Z";
constexpr char kSuiteToken[] =
    "AQoDYXdzEPT//////////"
    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwth"
    "Ax7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvl"
    "Rd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9K"
    "SYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

Request SuiteRequest(std::string method, std::string path, std::string query,
                     std::vector<std::pair<std::string, std::string>> extra = {}) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = {{"Host", "example.amazonaws.com"}};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  r.headers.emplace_back("X-Amz-Date", kSuiteDate);
  return r;
}

std::string SignSuite(Request r, const Credentials& creds = kSuiteCreds,
                      std::string_view payload_hash = kEmptyPayloadSha256) {
  SigningOptions opts{"us-east-1", "service", UriRules::kGeneric, kSuiteDate, false};
  std::string sig;
  EXPECT_TRUE(SignRequest(creds, opts, payload_hash, &r, &sig).ok());
  return sig;
}

struct SuiteCase {
  const char* name;
  const char* method;
  const char* path;
  const char* query;
  std::vector<std::pair<std::string, std::string>> headers;
  const char* signature;
};

TEST(SigV4Suite, Vectors) {
  const std::vector<SuiteCase> cases = {
      {"get-vanilla",
       "GET",
       "/",
       "",
       {},
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla",
       "POST",
       "/",
       "",
       {},
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       "",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       "",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "/",
       "",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "",
       {},
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       "",
       {},
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-vanilla-empty-query-key",
       "GET",
       "/",
       "Param1=value1",
       {},
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query-order-key",
       "GET",
       "/",
       "Param1=value2&Param1=Value1",
       {},
       "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       "Param2=value2&Param1=value1",
       {},
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-order-value",
       "GET",
       "/",
       "Param1=value2&Param1=value1",
       {},
       "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/",
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~"
       "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       "\xE1\x88\xB4=bar",
       {},
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"post-header-key-sort",
       "POST",
       "/",
       "",
       {{"My-Header1", "value1"}},
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "/",
       "",
       {{"My-Header1", "VALUE1"}},
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-vanilla-query",
       "POST",
       "/",
       "Param1=value1",
       {},
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      // normalize-path group: non-S3 services resolve dot segments and merge slashes.
      {"get-relative",
       "GET",
       "/example/..",
       "",
       {},
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative",
       "GET",
       "/example1/example2/../..",
       "",
       {},
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash",
       "GET",
       "//",
       "",
       {},
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-dot-slash",
       "GET",
       "/./",
       "",
       {},
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-pointless-dot",
       "GET",
       "/./example",
       "",
       {},
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-slashes",
       "GET",
       "//example//",
       "",
       {},
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-space",
       "GET",
       "/example space/",
       "",
       {},
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(SignSuite(SuiteRequest(c.method, c.path, c.query, c.headers)), c.signature) << c.name;
  }
}

TEST(SigV4Suite, GetVanillaIntermediateStrings) {
  Request r = SuiteRequest("GET", "/", "");
  std::vector<std::string> signed_headers = {"host", "x-amz-date"};
  std::string creq = CanonicalRequest(r, signed_headers, kEmptyPayloadSha256, UriRules::kGeneric);
  EXPECT_EQ(creq,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string scope = CredentialScope("20150830", "us-east-1", "service");
  EXPECT_EQ(StringToSign(kSuiteDate, scope, creq),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  std::string key =
      DeriveSigningKey(kSuiteCreds.secret_access_key, "20150830", "us-east-1", "service");
  EXPECT_EQ(SignatureHex(key, StringToSign(kSuiteDate, scope, creq)),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Suite, SessionTokenSignedWhenPresentBeforeSigning) {
  // post-sts-header-before: the token is part of the signed headers.
  Credentials creds = kSuiteCreds;
  creds.session_token = kSuiteToken;
  Request r = SuiteRequest("POST", "/", "");
  SigningOptions opts{"us-east-1", "service", UriRules::kGeneric, kSuiteDate, false};
  std::string sig;
  ASSERT_TRUE(SignRequest(creds, opts, kEmptyPayloadSha256, &r, &sig).ok());
  EXPECT_EQ(sig, "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
  ASSERT_NE(r.FindHeader("x-amz-security-token"), nullptr);
  EXPECT_EQ(*r.FindHeader("X-Amz-Security-Token"), kSuiteToken);
  EXPECT_EQ(*r.FindHeader("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
}

TEST(SigV4Suite, FormBodyPayloadHash) {
  // post-x-www-form-urlencoded: the body hash enters the canonical request.
  Request r =
      SuiteRequest("POST", "/", "", {{"Content-Type", "application/x-www-form-urlencoded"}});
  std::string body_hash = Sha256Hex("Param1=value1");
  EXPECT_EQ(body_hash, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(SignSuite(r, kSuiteCreds, body_hash),
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

// ---- S3 examples ----

std::string SignS3(Request r, std::string_view payload_hash, std::string* authorization = nullptr) {
  SigningOptions opts{"us-east-1", "s3", UriRules::kS3, "20130524T000000Z", true};
  std::string sig;
  EXPECT_TRUE(SignRequest(kS3Creds, opts, payload_hash, &r, &sig).ok());
  if (authorization != nullptr) *authorization = *r.FindHeader("Authorization");
  return sig;
}

TEST(SigV4S3, GetObjectWithRange) {
  Request r{
      "GET", "/test.txt", "", {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}}};
  std::string auth;
  EXPECT_EQ(SignS3(r, kEmptyPayloadSha256, &auth),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4S3, PutObjectEncodesDollarOnce) {
  std::string body = "Welcome to Amazon S3.";
  std::string hash = Sha256Hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  Request r{"PUT",
            "/test$file.text",
            "",
            {{"Host", "examplebucket.s3.amazonaws.com"},
             {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
             {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}};
  EXPECT_EQ(SignS3(r, hash), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  // The same key already percent-encoded on the wire signs identically (no double encoding).
  r.path = "/test%24file.text";
  EXPECT_EQ(SignS3(r, hash), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3, GetBucketLifecycle) {
  Request r{"GET", "/", "lifecycle", {{"Host", "examplebucket.s3.amazonaws.com"}}};
  EXPECT_EQ(SignS3(r, kEmptyPayloadSha256),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4S3, ListObjects) {
  Request r{"GET", "/", "max-keys=2&prefix=J", {{"Host", "examplebucket.s3.amazonaws.com"}}};
  EXPECT_EQ(SignS3(r, kEmptyPayloadSha256),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4S3, PathIsNotNormalized) {
  EXPECT_EQ(CanonicalUri("/bucket/a//b/../c d", UriRules::kS3), "/bucket/a//b/../c%20d");
  EXPECT_EQ(CanonicalUri("/bucket/a%2Fb", UriRules::kS3), "/bucket/a/b");
  EXPECT_EQ(CanonicalUri("/bucket/100%25", UriRules::kS3), "/bucket/100%25");
  // Generic services encode the already-encoded path again.
  EXPECT_EQ(CanonicalUri("/a%20b", UriRules::kGeneric), "/a%2520b");
}

// ---- helpers and verification ----

TEST(SigV4, UriEncoding) {
  EXPECT_EQ(UriEncode("a b/c~d+e*", false), "a%20b/c~d%2Be%2A");
  EXPECT_EQ(UriEncode("a/b", true), "a%2Fb");
  EXPECT_EQ(UriDecode("a%20b%2fc%zz%4"), "a b/c%zz%4");
  EXPECT_EQ(CanonicalQueryString("b=2&a=&c&a=1"), "a=&a=1&b=2&c=");
  EXPECT_EQ(CanonicalQueryString("uploadId=x%2By&partNumber=3"), "partNumber=3&uploadId=x%2By");
}

TEST(SigV4, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(SigV4, FormatAmzDate) {
  EXPECT_EQ(FormatAmzDate(std::chrono::system_clock::from_time_t(1440938160)), kSuiteDate);
}

TEST(SigV4, SignRequestNeedsHostAndCredentials) {
  Request r{"GET", "/", "", {}};
  SigningOptions opts{"us-east-1", "s3", UriRules::kS3, kSuiteDate, true};
  EXPECT_FALSE(SignRequest(kSuiteCreds, opts, kEmptyPayloadSha256, &r).ok());
  r.headers.emplace_back("Host", "h");
  EXPECT_FALSE(SignRequest(Credentials{}, opts, kEmptyPayloadSha256, &r).ok());
  EXPECT_TRUE(SignRequest(kSuiteCreds, opts, kUnsignedPayload, &r).ok());
  EXPECT_EQ(*r.FindHeader("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
}

TEST(AwsCrypto, Digests) {
  EXPECT_EQ(HexEncode(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  // The empty gzip member of an empty export data file (spec §1.3).
  const std::string empty_gzip(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x03\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x00",
      20);
  EXPECT_EQ(Base64Encode(Md5(empty_gzip)), "FjvgqIxwymKf1RbbqtrZag==");
  EXPECT_EQ(HexEncode(Md5(Md5(empty_gzip))), "7deb4078f238dd87d6af0538152c04e9");
  StreamingHash h(StreamingHash::Algorithm::kMd5);
  h.Update(empty_gzip.substr(0, 7));
  h.Update(empty_gzip.substr(7));
  EXPECT_EQ(h.Finish(), Md5(empty_gzip));
  h.Update("abc");  // reusable after Finish
  EXPECT_EQ(h.Finish(), Md5("abc"));
  EXPECT_EQ(HexEncode(HmacSha256("key", "The quick brown fox jumps over the lazy dog")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

// The allocation-free variants agree with OpenSSL's one-shot functions, for keys shorter than,
// equal to and longer than SHA-256's 64-byte block (RFC 4231 case 6 among them).
TEST(Crypto, IntoVariantsMatchOneShot) {
  unsigned char out[32];
  char hex[64];
  for (size_t key_size : {0, 1, 32, 63, 64, 65, 131}) {
    const std::string key(key_size, '\xaa');
    for (const std::string& data : {std::string(), std::string("abc"), std::string(1000, 'x')}) {
      HmacSha256Into(key, data, out);
      EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 32), HmacSha256(key, data)) << key_size;
    }
  }
  HmacSha256Into(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
                 out);
  HexEncodeInto(out, 32, hex);
  EXPECT_EQ(std::string(hex, 64),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  Sha256Into("abc", out);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 32), Sha256("abc"));
}

}  // namespace
}  // namespace tideline::aws
