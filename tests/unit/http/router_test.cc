#include "http/router.h"

#include <gtest/gtest.h>

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

TEST_F(RouterTest, GetIsTheHealthCheckOfTheConfiguredRegion) {
  Reply r = Handle(bhttp::verb::get, "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "healthy: dynamodb.eu-west-2.amazonaws.com ");
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

TEST_F(RouterTest, OptionsWithAnOriginIsACorsPreflight) {
  Request request;
  request.method = bhttp::verb::options;
  request.has_origin = true;
  request.origin = "http://localhost:3000";
  request.cors_request_headers = "a, b, c";
  request.cors_request_method = "POST";
  Reply reply;
  router_.Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "");
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Origin: *\r\n"), std::string::npos);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Headers: a, b, c\r\n"),
            std::string::npos);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Methods: POST\r\n"), std::string::npos);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Max-Age: 172800\r\n"), std::string::npos);
}

TEST_F(RouterTest, APostWithAnOriginAllowsAnyOrigin) {
  Request request;
  request.method = bhttp::verb::post;
  request.has_origin = true;
  request.content_type = std::string(kAmzJson);
  request.amz_target = "DynamoDB_20120810.Echo";
  request.body = "{}";
  Reply reply;
  router_.Handle(request, &reply);
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.extra_headers.find("Access-Control-Allow-Origin: *\r\n"), std::string::npos);
  EXPECT_EQ(reply.extra_headers.find("Max-Age"), std::string::npos);
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
