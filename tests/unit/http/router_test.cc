#include "http/router.h"

#include <gtest/gtest.h>

#include "auth/authenticator.h"
#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "http/content_encoding.h"
#include "http_test_support.h"

namespace tideline::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::FakeLookup;
using testing::TestContext;

class RouterTest : public ::testing::Test {
 protected:
  Reply Handle(bhttp::verb method, std::string content_type, std::string body,
               std::string target = "DynamoDB_20120810.Echo") {
    Request request;
    request.method = method;
    request.target = "/";
    request.content_type = std::move(content_type);
    request.body = std::move(body);
    request.amz_target = std::move(target);
    Reply reply;
    router_.Handle(request, &reply);
    return reply;
  }
  TestContext env_;
  Router router_{env_.ctx(), &FakeLookup};
};

// DynamoDB's health line names the host the client asked for (ScyllaDB's test_health.py,
// which also runs against AWS); dynalite records the trailing space.
TEST_F(RouterTest, GetSlashIsTheHealthCheckOfTheRequestedHost) {
  Request request;
  request.method = bhttp::verb::get;
  request.target = "/";
  request.AddHeader("Host", "localhost:8000");
  Reply reply;
  router_.Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "healthy: localhost:8000 ");

  // Without a Host (HTTP/1.0), or one not fit to echo: the region's endpoint name.
  Reply r = Handle(bhttp::verb::get, "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "healthy: dynamodb.eu-west-2.amazonaws.com ");
}

// A browser asks for text/html and gets the web console; anything else keeps the health line.
TEST_F(RouterTest, GetSlashFromABrowserIsTheConsole) {
  Request request;
  request.method = bhttp::verb::get;
  request.target = "/?x=1";
  request.AddHeader("Host", "localhost:8000");
  request.AddHeader("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
  Reply reply;
  router_.Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/html; charset=utf-8");
  EXPECT_NE(reply.body.find("<!doctype html>"), std::string::npos);
  EXPECT_NE(reply.extra_headers.find("Cache-Control: no-cache\r\n"), std::string::npos);

  request.target = "/console/app.js";
  router_.Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/javascript; charset=utf-8");

  request.target = "/console/nothing.js";
  router_.Handle(request, &reply);
  EXPECT_EQ(reply.status, 404);

  Request probe;  // curl, a load balancer: Accept */* or none
  probe.method = bhttp::verb::get;
  probe.target = "/";
  probe.AddHeader("Host", "localhost:8000");
  probe.AddHeader("Accept", "*/*");
  router_.Handle(probe, &reply);
  EXPECT_EQ(reply.body, "healthy: localhost:8000 ");
}

// DynamoDB answers a GET on any other path with a 4xx (ScyllaDB's
// test_health_only_works_for_root_path).
TEST_F(RouterTest, GetOnAnotherPathIsNotFound) {
  for (const char* path : {"/abc", "/-", "/index.htm", "/health", "//"}) {
    Request request;
    request.method = bhttp::verb::get;
    request.target = path;
    Reply reply;
    router_.Handle(request, &reply);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(reply.body, "<UnknownOperationException/>\n") << path;
  }
}

TEST_F(RouterTest, OtherMethodsAreNotFound) {
  for (bhttp::verb method : {bhttp::verb::put, bhttp::verb::delete_, bhttp::verb::patch,
                             bhttp::verb::options, bhttp::verb::head}) {
    Reply r = Handle(method, std::string(kAmzJson), "{}");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "<UnknownOperationException/>\n");
    EXPECT_TRUE(r.content_type.empty());
  }
}

TEST_F(RouterTest, ABodyOfAnotherMediaTypeIsNotFound) {
  for (std::string type :
       {"", "text/plain", "application/x-amz-json-1.1", "application/jsonasdf", "whatever"}) {
    Reply r = Handle(bhttp::verb::post, type, "{}");
    EXPECT_EQ(r.status, 404) << type;
    EXPECT_EQ(r.body, "<UnknownOperationException/>\n") << type;
  }
}

TEST_F(RouterTest, AnEmptyBodyNeedsNoMediaType) {
  Reply r = Handle(bhttp::verb::post, "", "", "nothing");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#UnknownOperationException",)"
                    R"("message":"Unknown operation: nothing"})");
  EXPECT_EQ(r.content_type, kJson);
}

TEST_F(RouterTest, TheResponseTypeFollowsTheRequestsMediaType) {
  Reply amz = Handle(bhttp::verb::post, "application/x-amz-json-1.0;blahblah", R"({"a":1})");
  EXPECT_EQ(amz.status, 200);
  EXPECT_EQ(amz.body, R"({"a":1})");
  EXPECT_EQ(amz.content_type, kAmzJson);

  Reply json = Handle(bhttp::verb::post, "  application/json  ;   asfd", "hi");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(json.body,
            R"({"__type":"com.amazonaws.dynamodb.v20120810#SerializationException",)"
            R"x("message":"The request body is not valid JSON: Invalid value. (at byte 0)"})x");
  EXPECT_EQ(json.content_type, kJson);
}

Request CrossOrigin(bhttp::verb method, std::string origin) {
  Request request;
  request.method = method;
  request.target = "/";
  request.has_origin = true;
  request.origin = std::move(origin);
  request.cors_request_headers = "a, b, c";
  request.cors_request_method = "POST";
  if (method == bhttp::verb::post) {
    request.content_type = std::string(kAmzJson);
    request.amz_target = "DynamoDB_20120810.Echo";
    request.body = "{}";
  }
  return request;
}

// By default no web page may call the server: a preflight gets no allow headers, and a request
// that a browser sends without one is refused unexecuted.
TEST_F(RouterTest, NoCrossOriginAccessByDefault) {
  Reply reply;
  router_.Handle(CrossOrigin(bhttp::verb::options, "http://localhost:3000"), &reply);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(reply.extra_headers.find("Access-Control"), std::string::npos);

  router_.Handle(CrossOrigin(bhttp::verb::post, "https://evil.example"), &reply);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.extra_headers.find("Access-Control"), std::string::npos);
  EXPECT_NE(reply.body.find("AccessDeniedException"), std::string::npos);
}

TEST_F(RouterTest, CorsOriginStarAllowsAnyOrigin) {
  env_.config().cors_origins = {"*"};
  Router router(env_.ctx(), &FakeLookup);
  Reply reply;
  router.Handle(CrossOrigin(bhttp::verb::options, "http://localhost:3000"), &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "");
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Origin: *\r\n"), std::string::npos);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Headers: a, b, c\r\n"),
            std::string::npos);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Methods: POST\r\n"), std::string::npos);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Max-Age: 172800\r\n"), std::string::npos);

  router.Handle(CrossOrigin(bhttp::verb::post, "https://anywhere.example"), &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "{}");
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Origin: *\r\n"), std::string::npos);
  EXPECT_EQ(reply.extra_headers.find("Max-Age"), std::string::npos);
}

TEST_F(RouterTest, CorsOriginsAllowOnlyThoseOrigins) {
  env_.config().cors_origins = {"http://localhost:3000", "https://app.example"};
  Router router(env_.ctx(), &FakeLookup);
  Reply reply;
  router.Handle(CrossOrigin(bhttp::verb::post, "https://app.example"), &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Origin: https://app.example\r\n"
                                     "Vary: Origin\r\n"),
            std::string::npos);
  router.Handle(CrossOrigin(bhttp::verb::options, "http://localhost:3000"), &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Origin: http://localhost:3000\r\n"),
            std::string::npos);
  for (const char* other : {"https://evil.example", "http://localhost:3001", "null"}) {
    router.Handle(CrossOrigin(bhttp::verb::options, other), &reply);
    EXPECT_EQ(reply.status, 403) << other;
    EXPECT_EQ(reply.extra_headers.find("Access-Control"), std::string::npos) << other;
    router.Handle(CrossOrigin(bhttp::verb::post, other), &reply);
    EXPECT_EQ(reply.status, 403) << other;
  }
}

// The console's own calls carry an Origin that is the server itself: accepted without CORS
// where the name cannot be a rebound one.
TEST_F(RouterTest, TheConsolesOwnOriginIsAcceptedOnLoopback) {
  for (const char* host : {"127.0.0.1:8000", "localhost:8000"}) {
    Request request = CrossOrigin(bhttp::verb::post, std::string("http://") + host);
    request.AddHeader("Host", host);
    Reply reply;
    router_.Handle(request, &reply);
    EXPECT_EQ(reply.status, 200) << host;
    EXPECT_EQ(reply.extra_headers.find("Access-Control"), std::string::npos) << host;
  }
  // Another port is another origin.
  Request other = CrossOrigin(bhttp::verb::post, "http://127.0.0.1:8001");
  other.AddHeader("Host", "127.0.0.1:8000");
  Reply reply;
  router_.Handle(other, &reply);
  EXPECT_EQ(reply.status, 403);
}

TEST_F(RouterTest, OnOtherAddressesOnlyAnIpAddressIsTrustedAsTheSameOrigin) {
  env_.config().host = "0.0.0.0";
  Router router(env_.ctx(), &FakeLookup);
  Request by_address = CrossOrigin(bhttp::verb::post, "http://10.1.2.3:8000");
  by_address.AddHeader("Host", "10.1.2.3:8000");
  Reply reply;
  router.Handle(by_address, &reply);
  EXPECT_EQ(reply.status, 200);
  // A DNS name may have been rebound to this server by the page's own site.
  Request by_name = CrossOrigin(bhttp::verb::post, "http://evil.example:8000");
  by_name.AddHeader("Host", "evil.example:8000");
  router.Handle(by_name, &reply);
  EXPECT_EQ(reply.status, 403);
}

TEST(SameOriginTest, SchemeAndHostMustMatch) {
  EXPECT_TRUE(IsSameOrigin("http://localhost:8000", "localhost:8000"));
  EXPECT_TRUE(IsSameOrigin("https://Example.com", "example.com"));
  EXPECT_FALSE(IsSameOrigin("http://localhost:8000", "localhost:8001"));
  EXPECT_FALSE(IsSameOrigin("ftp://localhost", "localhost"));
  EXPECT_FALSE(IsSameOrigin("null", "null"));
  EXPECT_FALSE(IsSameOrigin("http://", ""));
}

// Bound to loopback (the tests' config: 127.0.0.1), only loopback names are answered, so a page
// whose DNS name was rebound to 127.0.0.1 is refused.
TEST_F(RouterTest, LoopbackServersAnswerOnlyLoopbackHostNames) {
  for (const char* host : {"localhost", "LOCALHOST:8000", "127.0.0.1", "127.0.0.1:8000",
                           "127.1.2.3:1", "[::1]", "[::1]:8000", "app.localhost:5173"}) {
    Request request;
    request.method = bhttp::verb::get;
    request.target = "/";
    request.AddHeader("Host", host);
    Reply reply;
    router_.Handle(request, &reply);
    EXPECT_EQ(reply.status, 200) << host;
  }
  for (const char* host :
       {"evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
        "10.0.0.1:8000", "[::2]:8000", "[::1]x", "127.0.0.1:80a", "0x7f000001", "", "localhost:"}) {
    for (bhttp::verb method : {bhttp::verb::get, bhttp::verb::post}) {
      Request request;
      request.method = method;
      request.target = "/";
      request.content_type = std::string(kAmzJson);
      request.amz_target = "DynamoDB_20120810.Echo";
      request.body = "{}";
      request.AddHeader("Host", host);
      Reply reply;
      router_.Handle(request, &reply);
      EXPECT_EQ(reply.status, 403) << host;
      EXPECT_NE(reply.body.find("AccessDeniedException"), std::string::npos) << host;
    }
  }
}

TEST_F(RouterTest, OtherServersAnswerAnyHost) {
  env_.config().host = "0.0.0.0";
  Router router(env_.ctx(), &FakeLookup);
  Request request;
  request.method = bhttp::verb::get;
  request.target = "/";
  request.AddHeader("Host", "dynamodb.example.com");
  Reply reply;
  router.Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "healthy: dynamodb.example.com ");
}

TEST(LoopbackTest, BindAddresses) {
  EXPECT_TRUE(IsLoopbackBind("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackBind("127.0.0.53"));
  EXPECT_TRUE(IsLoopbackBind("::1"));
  EXPECT_TRUE(IsLoopbackBind("localhost"));
  EXPECT_FALSE(IsLoopbackBind("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackBind("::"));
  EXPECT_FALSE(IsLoopbackBind("192.168.1.2"));
  EXPECT_FALSE(IsLoopbackBind("example.com"));
}

// ---- authentication ----

std::string FakeAccount(api::Context& ctx, const json::Value&) {
  return "{\"Account\":\"" + ctx.config.account_id + "\"}";
}
api::Operation AccountLookup(std::string_view name) {
  return name == "Account" ? &FakeAccount : nullptr;
}

// A POST signed now by `key` (the client signer of aws/sigv4.h), as the parser would keep it.
Request SignedPost(const std::string& key, const std::string& secret) {
  aws::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "localhost:8000"},
               {"Content-Type", std::string(kAmzJson)},
               {"X-Amz-Target", "DynamoDB_20120810.Account"}};
  aws::SigningOptions options;
  options.region = "eu-west-2";
  options.service = "dynamodb";
  EXPECT_TRUE(aws::SignRequest({key, secret, ""}, options, aws::Sha256Hex("{}"), &r).ok());
  Request request;
  request.method = bhttp::verb::post;
  request.target = "/";
  request.content_type = std::string(kAmzJson);
  request.amz_target = "DynamoDB_20120810.Account";
  request.body = "{}";
  for (const auto& [name, value] : r.headers) request.AddHeader(name, value);
  return request;
}

class RouterAuthTest : public ::testing::Test {
 protected:
  RouterAuthTest() {
    std::vector<auth::KeyEntry> keys(2);
    keys[0] = {"default", "AKIDMAIN", "main-secret", "", ""};
    keys[1] = {"other", "AKIDOTHER", "other-secret", "", "111122223333"};
    auth_ = std::make_unique<auth::Authenticator>(keys, "eu-west-2");
    env_.ctx().authenticator = auth_.get();
    router_ = std::make_unique<Router>(env_.ctx(), &AccountLookup);
  }
  TestContext env_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<Router> router_;
};

TEST_F(RouterAuthTest, EveryPostMustBeSigned) {
  Request request = SignedPost("AKIDMAIN", "main-secret");
  Reply reply;
  router_->Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"Account":"000000000000"})");

  Request unsigned_request = request;
  unsigned_request.headers.clear();
  unsigned_request.header_bytes.clear();
  unsigned_request.AddHeader("Host", "localhost:8000");
  router_->Handle(unsigned_request, &reply);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.content_type, kAmzJson);
  EXPECT_EQ(reply.body,
            R"({"__type":"com.amazonaws.dynamodb.v20120810#MissingAuthenticationTokenException",)"
            R"("message":"Request is missing Authentication Token"})");

  router_->Handle(SignedPost("AKIDMAIN", "wrong"), &reply);
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("#InvalidSignatureException"), std::string::npos);

  // The signature covers the body as received.
  Request tampered = request;
  tampered.body = R"({ })";
  router_->Handle(tampered, &reply);
  EXPECT_NE(reply.body.find("#InvalidSignatureException"), std::string::npos);
}

TEST_F(RouterAuthTest, TheHealthCheckNeedsNoSignature) {
  Request request;
  request.method = bhttp::verb::get;
  request.target = "/";
  Reply reply;
  router_->Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
}

// A key whose section names an account_id sees that account in its ARNs.
TEST_F(RouterAuthTest, AKeysAccountIdAppliesToItsRequests) {
  Reply reply;
  router_->Handle(SignedPost("AKIDOTHER", "other-secret"), &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"Account":"111122223333"})");
}

// The signature covers the body as sent: a gzip body is verified over its compressed bytes and
// decoded only afterwards.
TEST_F(RouterAuthTest, ACompressedBodyIsVerifiedAsSent) {
  std::string gzipped;
  CompressBody(ResponseEncoding::kGzip, "{}", &gzipped);
  aws::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "localhost:8000"},
               {"Content-Type", std::string(kAmzJson)},
               {"Content-Encoding", "gzip"},
               {"X-Amz-Target", "DynamoDB_20120810.Account"}};
  aws::SigningOptions options;
  options.region = "eu-west-2";
  options.service = "dynamodb";
  ASSERT_TRUE(
      aws::SignRequest({"AKIDMAIN", "main-secret", ""}, options, aws::Sha256Hex(gzipped), &r).ok());
  Request request;
  request.method = bhttp::verb::post;
  request.target = "/";
  request.content_type = std::string(kAmzJson);
  request.content_encoding = "gzip";
  request.amz_target = "DynamoDB_20120810.Account";
  request.body = gzipped;
  for (const auto& [name, value] : r.headers) request.AddHeader(name, value);
  Reply reply;
  router_->Handle(request, &reply);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, R"({"Account":"000000000000"})");
}

// What needs no body is refused before the body is read, so that an unauthenticated client
// cannot make the server buffer one.
TEST_F(RouterAuthTest, RefusesBeforeTheBodyWhatNeedsNoBody) {
  Reply reply;
  Request request = SignedPost("AKIDMAIN", "main-secret");
  EXPECT_FALSE(router_->RefuseBeforeBody(request, &reply));
  EXPECT_EQ(reply.body, "");
  // A wrong secret can only be told from the body's hash: Handle() decides.
  EXPECT_FALSE(router_->RefuseBeforeBody(SignedPost("AKIDMAIN", "wrong"), &reply));

  EXPECT_TRUE(router_->RefuseBeforeBody(SignedPost("AKIDNOBODY", "x"), &reply));
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("#UnrecognizedClientException"), std::string::npos);

  Request unsigned_request = request;
  unsigned_request.headers.clear();
  unsigned_request.header_bytes.clear();
  EXPECT_TRUE(router_->RefuseBeforeBody(unsigned_request, &reply));
  EXPECT_NE(reply.body.find("#MissingAuthenticationTokenException"), std::string::npos);

  Request rebound = request;
  rebound.AddHeader("Origin", "https://evil.example");
  rebound.has_origin = true;
  rebound.origin = "https://evil.example";
  EXPECT_TRUE(router_->RefuseBeforeBody(rebound, &reply));
  EXPECT_EQ(reply.status, 403);
}

TEST(MediaTypeTest, DropsParametersAndBlanks) {
  EXPECT_EQ(MediaType("application/json"), "application/json");
  EXPECT_EQ(MediaType(" \tapplication/json ; charset=utf-8"), "application/json");
  EXPECT_EQ(MediaType("application/json;"), "application/json");
  EXPECT_EQ(MediaType(""), "");
  EXPECT_EQ(MediaType(";x"), "");
}

}  // namespace
}  // namespace tideline::http
