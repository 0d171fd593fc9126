// S3 client behaviour a real peer will not show on demand, against a scripted HTTP server:
// retries with backoff, errors in a 200 answer, dropped connections, and what goes on the wire
// (signature, payload hash, SSE headers), checked with our own SigV4 verifier.

#include "s3/s3_client.h"

#include <gtest/gtest.h>

#include <chrono>

#include "auth/authenticator.h"
#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "common/api_error.h"
#include "common/base64.h"
#include "s3/sink.h"
#include "scripted_http_server.h"

namespace tideline::s3 {
namespace {

using testing::ScriptedHttpServer;
using testing::ScriptedResponse;

S3Config ConfigFor(const ScriptedHttpServer& server) {
  S3Config c;
  c.endpoint = server.endpoint();
  c.access_key_id = "AKIDTEST";
  c.secret_access_key = "secret/key";
  c.region = "eu-west-1";
  c.max_retries = 3;
  c.retry_base_delay_ms = 1;
  c.retry_max_delay_ms = 5;
  return c;
}

ScriptedResponse ErrorResponse(int status, const std::string& code) {
  return {status,
          {{"Content-Type", "application/xml"}},
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
              "</Code><Message>scripted " + code + "</Message></Error>"};
}

TEST(S3Client, RequestsAreSignedAsSent) {
  ScriptedHttpServer server;
  server.Push({200, {{"ETag", "\"0123\""}}, ""});
  S3Client client(ConfigFor(server));
  ObjectOptions opts;
  opts.sse_algorithm = "aws:kms";
  opts.sse_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/k1";
  opts.expected_bucket_owner = "111122223333";
  std::string etag;
  const std::string key = "pre fix/AWSDynamoDB/01-a/data/x+y$z.json.gz";
  ASSERT_TRUE(client.PutObject("bkt", key, "payload bytes", opts, &etag).ok());
  EXPECT_EQ(etag, "0123");

  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const auto& r = reqs[0];
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.target, "/bkt/pre%20fix/AWSDynamoDB/01-a/data/x%2By%24z.json.gz");
  EXPECT_EQ(r.body, "payload bytes");
  EXPECT_EQ(r.Header("x-amz-content-sha256"), aws::Sha256Hex("payload bytes"));
  EXPECT_EQ(r.Header("content-md5"), Base64Encode(aws::Md5("payload bytes")));
  EXPECT_EQ(r.Header("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(r.Header("x-amz-server-side-encryption-aws-kms-key-id"), opts.sse_kms_key_id);
  EXPECT_EQ(r.Header("x-amz-expected-bucket-owner"), "111122223333");
  EXPECT_EQ(r.Header("host"), "127.0.0.1:" + std::to_string(server.port()));

  // Verify the received request with Tideline's one SigV4 verifier, set for S3.
  const std::string authorization = r.Header("authorization");
  for (const char* h : {"host", "x-amz-content-sha256", "x-amz-date",
                        "x-amz-server-side-encryption", "x-amz-expected-bucket-owner"}) {
    EXPECT_NE(authorization.find(h), std::string::npos) << h;
  }
  EXPECT_NE(authorization.find("Credential=AKIDTEST/"), std::string::npos);
  EXPECT_NE(authorization.find("/eu-west-1/s3/aws4_request"), std::string::npos);
  std::vector<auth::HeaderView> headers;
  for (const auto& [name, value] : r.headers) headers.push_back({name, value});
  const auth::RequestView wire{r.method, r.target, headers, r.body};
  auto verify = [&](const std::string& secret) -> std::string {
    auth::Authenticator verifier({{"test", "AKIDTEST", secret, "", ""}}, "eu-west-1", "s3",
                                 aws::UriRules::kS3);
    try {
      return "OK " + verifier.Authenticate(wire, std::chrono::system_clock::now()).access_key_id;
    } catch (const ApiError& e) {
      return e.type();
    }
  };
  EXPECT_EQ(verify("secret/key"), "OK AKIDTEST");
  EXPECT_EQ(verify("other"), "InvalidSignatureException");
}

TEST(S3Client, SessionTokenIsSent) {
  ScriptedHttpServer server;
  S3Config c = ConfigFor(server);
  c.session_token = "FQoGZXIvYXdzE//token==";
  S3Client client(c);
  ASSERT_TRUE(client.HeadBucket("bkt", {}).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "HEAD");
  EXPECT_EQ(reqs[0].Header("x-amz-security-token"), "FQoGZXIvYXdzE//token==");
  EXPECT_NE(reqs[0].Header("authorization").find("x-amz-security-token"), std::string::npos);
}

TEST(S3Client, RetriesSlowDownThenSucceeds) {
  ScriptedHttpServer server;
  server.Push(ErrorResponse(503, "SlowDown"));
  server.Push(ErrorResponse(500, "InternalError"));
  server.Push({200, {{"ETag", "\"abc\""}}, ""});
  S3Client client(ConfigFor(server));
  std::string etag;
  ASSERT_TRUE(client.PutObject("bkt", "k", "data", {}, &etag).ok());
  EXPECT_EQ(etag, "abc");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& r : reqs) EXPECT_EQ(r.body, "data");  // the body is re-sent each time
}

TEST(S3Client, RetriesThrottlingCodeOn400) {
  ScriptedHttpServer server;
  server.Push(ErrorResponse(400, "RequestTimeout"));
  S3Client client(ConfigFor(server));
  ASSERT_TRUE(client.PutObject("bkt", "k", "data", {}, nullptr).ok());
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(S3Client, GivesUpAfterMaxRetries) {
  ScriptedHttpServer server;
  for (int i = 0; i < 10; ++i) server.Push(ErrorResponse(503, "SlowDown"));
  S3Config c = ConfigFor(server);
  c.max_retries = 2;
  S3Client client(c);
  Status s = client.PutObject("bkt", "k", "data", {}, nullptr);
  EXPECT_EQ(s.remote_code(), "SlowDown");
  EXPECT_EQ(s.message(), "scripted SlowDown");
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(S3Client, ClientErrorsAreNotRetried) {
  ScriptedHttpServer server;
  server.Push(ErrorResponse(404, "NoSuchBucket"));
  S3Client client(ConfigFor(server));
  Status s = client.PutObject("bkt", "k", "data", {}, nullptr);
  EXPECT_EQ(s.remote_code(), "NoSuchBucket");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(S3Client, HeadBucketStatusMapping) {
  ScriptedHttpServer server;
  server.Push({404, {}, ""});
  server.Push({403, {}, ""});
  S3Client client(ConfigFor(server));
  Status missing = client.HeadBucket("nope", {});
  EXPECT_EQ(missing.remote_code(), "NoSuchBucket");
  EXPECT_EQ(missing.message(), "The specified bucket does not exist");
  EXPECT_EQ(client.HeadBucket("theirs", {}).remote_code(), "AccessDenied");
}

TEST(S3Client, DroppedConnectionsAreRetriedThenIOError) {
  ScriptedHttpServer server;
  server.Push({200, {}, "", /*drop_connection=*/true});
  S3Client client(ConfigFor(server));
  ASSERT_TRUE(client.HeadBucket("bkt", {}).ok());
  EXPECT_EQ(server.requests().size(), 2u);

  S3Config c = ConfigFor(server);
  c.endpoint = "http://127.0.0.1:1";  // nothing listens there
  c.max_retries = 1;
  S3Client refused(c);
  Status s = refused.HeadBucket("bkt", {});
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_EQ(s.message().rfind("curl: ", 0), 0u) << s.message();
}

TEST(S3Client, BackoffGrowsExponentially) {
  ScriptedHttpServer server;
  for (int i = 0; i < 3; ++i) server.Push(ErrorResponse(503, "SlowDown"));
  S3Config c = ConfigFor(server);
  c.retry_base_delay_ms = 40;  // waits of [20,40] + [40,80] + [80,160] ms
  c.retry_max_delay_ms = 1000;
  S3Client client(c);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.HeadBucket("bkt", {}).ok());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(140));
  EXPECT_EQ(server.requests().size(), 4u);
}

constexpr char kInitiate[] =
    "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key>"
    "<UploadId>up/load+id</UploadId></InitiateMultipartUploadResult>";

TEST(S3Sink, CompleteWithErrorIn200IsRetriedThenSucceeds) {
  ScriptedHttpServer server;
  server.Push({200, {}, kInitiate});
  server.Push({200, {{"ETag", "\"p1\""}}, ""});
  server.Push(ErrorResponse(200, "InternalError"));
  server.Push({200,
               {},
               "<CompleteMultipartUploadResult><ETag>&quot;final-1&quot;</ETag>"
               "</CompleteMultipartUploadResult>"});
  auto sink = NewS3Sink(ConfigFor(server));
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter("bkt", "k", {}, &w).ok());
  ASSERT_TRUE(w->Append("tiny").ok());
  std::string etag;
  ASSERT_TRUE(w->Finish(&etag).ok());
  EXPECT_EQ(etag, "final-1");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/bkt/k?uploads");
  EXPECT_EQ(reqs[1].method, "PUT");
  EXPECT_EQ(reqs[1].target, "/bkt/k?partNumber=1&uploadId=up%2Fload%2Bid");
  EXPECT_EQ(reqs[1].body, "tiny");
  EXPECT_EQ(reqs[2].target, "/bkt/k?uploadId=up%2Fload%2Bid");
  EXPECT_EQ(reqs[3].body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;p1&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3Sink, CompleteWithFatalErrorIn200FailsAndAborts) {
  ScriptedHttpServer server;
  server.Push({200, {}, kInitiate});
  server.Push({200, {{"ETag", "\"p1\""}}, ""});
  server.Push(ErrorResponse(200, "InvalidPart"));
  server.Push({204, {}, ""});  // the abort
  auto sink = NewS3Sink(ConfigFor(server));
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter("bkt", "k", {}, &w).ok());
  ASSERT_TRUE(w->Append("tiny").ok());
  Status s = w->Finish(nullptr);
  EXPECT_EQ(s.remote_code(), "InvalidPart");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[3].method, "DELETE");
  EXPECT_EQ(reqs[3].target, "/bkt/k?uploadId=up%2Fload%2Bid");
  // The failure sticks.
  EXPECT_EQ(w->Append("x").remote_code(), "InvalidPart");
}

TEST(S3Sink, FailedPartAbortsUpload) {
  ScriptedHttpServer server;
  server.Push({200, {}, kInitiate});
  server.Push(ErrorResponse(403, "AccessDenied"));
  server.Push({204, {}, ""});
  S3Config c = ConfigFor(server);
  c.part_size = 1;  // raised to S3's 5 MiB minimum
  auto sink = NewS3Sink(c);
  std::unique_ptr<ObjectWriter> w;
  ASSERT_TRUE(sink->NewMultipartWriter("bkt", "k", {}, &w).ok());
  ASSERT_TRUE(w->Append(std::string(1 << 20, 'a')).ok());  // buffered: below one part
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(w->Append(std::string(5 << 20, 'b')).remote_code(), "AccessDenied");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[1].body.size(), size_t{5} << 20);  // exactly one 5 MiB part
  EXPECT_EQ(reqs[2].method, "DELETE");
}

TEST(S3Sink, DestroyedWriterAbortsUpload) {
  ScriptedHttpServer server;
  server.Push({200, {}, kInitiate});
  auto sink = NewS3Sink(ConfigFor(server));
  {
    std::unique_ptr<ObjectWriter> w;
    ASSERT_TRUE(sink->NewMultipartWriter("bkt", "k", {}, &w).ok());
    ASSERT_TRUE(w->Append("abc").ok());
  }
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].method, "DELETE");
}

TEST(S3Sink, UnsignedPayloadOnlyOverHttps) {
  ScriptedHttpServer server;
  S3Config c = ConfigFor(server);
  c.unsigned_payload = true;  // ignored over plain http
  S3Client client(c);
  ASSERT_TRUE(client.PutObject("bkt", "k", "body", {}, nullptr).ok());
  EXPECT_EQ(server.requests()[0].Header("x-amz-content-sha256"), aws::Sha256Hex("body"));
}

}  // namespace
}  // namespace tideline::s3
