// S3 XML scanning and error mapping.

#include "s3/xml.h"

#include <gtest/gtest.h>

#include "s3/s3_client.h"

namespace tideline::s3 {
namespace {

TEST(S3Xml, ParsesErrorDocument) {
  std::string code, message;
  ASSERT_TRUE(xml::ParseError(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"
      "<BucketName>nope</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>",
      &code, &message));
  EXPECT_EQ(code, "NoSuchBucket");
  EXPECT_EQ(message, "The specified bucket does not exist");
}

TEST(S3Xml, ErrorEntitiesAreDecoded) {
  std::string code, message;
  ASSERT_TRUE(xml::ParseError(
      "<Error>\n  <Code>InvalidArgument</Code>\n  <Message>a &lt;b&gt; &amp; &quot;c&quot; "
      "&apos;d&apos; &#65;&#x42; &#x20AC; &bogus;</Message>\n</Error>",
      &code, &message));
  EXPECT_EQ(code, "InvalidArgument");
  EXPECT_EQ(message, "a <b> & \"c\" 'd' AB \xE2\x82\xAC &bogus;");
}

TEST(S3Xml, ErrorWithoutMessage) {
  std::string code, message = "stale";
  ASSERT_TRUE(xml::ParseError("<Error><Code>SlowDown</Code></Error>", &code, &message));
  EXPECT_EQ(code, "SlowDown");
  EXPECT_EQ(message, "");
}

TEST(S3Xml, NonErrorDocumentsAreNotErrors) {
  std::string code, message;
  EXPECT_FALSE(xml::ParseError("", &code, &message));
  EXPECT_FALSE(xml::ParseError("Service Unavailable", &code, &message));
  // A successful CompleteMultipartUpload answer mentions no <Error> root.
  EXPECT_FALSE(xml::ParseError(
      "<?xml version=\"1.0\"?><CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
      "<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>"
      "</CompleteMultipartUploadResult>",
      &code, &message));
  // An element named <Errors> or a nested <Error> is not an error document.
  EXPECT_FALSE(xml::ParseError("<Errors><Code>X</Code></Errors>", &code, &message));
  EXPECT_FALSE(xml::ParseError("<DeleteResult><Error><Code>X</Code></Error></DeleteResult>", &code,
                               &message));
}

TEST(S3Xml, ElementText) {
  std::string text;
  std::string_view doc =
      "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Bucket>b</Bucket><Key>a&amp;b</Key><UploadIdMarker/><UploadId>VXBsb2FkIElE</UploadId>"
      "</InitiateMultipartUploadResult>";
  ASSERT_TRUE(xml::ElementText(doc, "UploadId", &text));
  EXPECT_EQ(text, "VXBsb2FkIElE");  // not confused by <UploadIdMarker/>
  ASSERT_TRUE(xml::ElementText(doc, "Key", &text));
  EXPECT_EQ(text, "a&b");
  ASSERT_TRUE(xml::ElementText(doc, "UploadIdMarker", &text));
  EXPECT_EQ(text, "");
  EXPECT_FALSE(xml::ElementText(doc, "ETag", &text));
  ASSERT_TRUE(xml::ElementText("<ETag>\"abc-2\"</ETag>", "ETag", &text));
  EXPECT_EQ(Unquote(text), "abc-2");
}

TEST(S3Xml, EscapeRoundTrip) {
  std::string raw = "\"etag\" <&> 'x'";
  EXPECT_EQ(xml::Escape(raw), "&quot;etag&quot; &lt;&amp;&gt; &apos;x&apos;");
  EXPECT_EQ(xml::Unescape(xml::Escape(raw)), raw);
}

HttpResponse Response(long status, std::string body = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(S3Errors, BodyWinsOverStatus) {
  Status s = ErrorFromResponse(
      Response(409, "<Error><Code>BucketAlreadyOwnedByYou</Code><Message>m</Message></Error>"),
      false);
  EXPECT_EQ(s.code(), Status::Code::kRemote);
  EXPECT_EQ(s.remote_code(), "BucketAlreadyOwnedByYou");
  EXPECT_EQ(s.message(), "m");
}

TEST(S3Errors, HeadWithoutBody) {
  Status bucket = ErrorFromResponse(Response(404), /*key_call=*/false);
  EXPECT_EQ(bucket.remote_code(), "NoSuchBucket");
  EXPECT_EQ(bucket.message(), "The specified bucket does not exist");
  EXPECT_EQ(ErrorFromResponse(Response(404), /*key_call=*/true).remote_code(), "NoSuchKey");
  Status denied = ErrorFromResponse(Response(403), false);
  EXPECT_EQ(denied.remote_code(), "AccessDenied");
  EXPECT_EQ(denied.message(), "Access Denied");
  HttpResponse moved = Response(301);
  moved.headers.emplace_back("x-amz-bucket-region", "eu-west-1");
  Status redirect = ErrorFromResponse(moved, false);
  EXPECT_EQ(redirect.remote_code(), "PermanentRedirect");
  EXPECT_NE(redirect.message().find("eu-west-1"), std::string::npos);
  EXPECT_EQ(ErrorFromResponse(Response(503), false).remote_code(), "ServiceUnavailable");
  EXPECT_EQ(ErrorFromResponse(Response(418), false).remote_code(), "UnknownError");
}

TEST(S3Errors, RetryableCodes) {
  for (const char* c : {"SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout",
                        "Throttling", "ThrottlingException", "RequestLimitExceeded"}) {
    EXPECT_TRUE(IsRetryableCode(c)) << c;
  }
  for (const char* c : {"NoSuchBucket", "AccessDenied", "InvalidPart", "EntityTooSmall", ""}) {
    EXPECT_FALSE(IsRetryableCode(c)) << c;
  }
}

TEST(S3Addressing, PathStyleAndVirtualHosted) {
  S3Config config;
  config.endpoint = "http://127.0.0.1:9000/";
  S3Client path_style(config);
  ASSERT_TRUE(path_style.init_status().ok());
  std::string url, host;
  path_style.Address("bkt", "dir/a b+c$%.json.gz", "uploads", &url, &host);
  EXPECT_EQ(url, "http://127.0.0.1:9000/bkt/dir/a%20b%2Bc%24%25.json.gz?uploads");
  EXPECT_EQ(host, "127.0.0.1:9000");
  path_style.Address("bkt", "", "", &url, &host);
  EXPECT_EQ(url, "http://127.0.0.1:9000/bkt");

  config.endpoint = "https://s3.eu-west-1.amazonaws.com";
  config.path_style = false;
  S3Client virtual_hosted(config);
  ASSERT_TRUE(virtual_hosted.init_status().ok());
  virtual_hosted.Address("bkt", "AWSDynamoDB/01/_started", "", &url, &host);
  EXPECT_EQ(url, "https://bkt.s3.eu-west-1.amazonaws.com/AWSDynamoDB/01/_started");
  EXPECT_EQ(host, "bkt.s3.eu-west-1.amazonaws.com");
  virtual_hosted.Address("bkt", "", "", &url, &host);
  EXPECT_EQ(url, "https://bkt.s3.eu-west-1.amazonaws.com/");
}

TEST(S3Addressing, BadEndpoints) {
  for (const char* e : {"127.0.0.1:9000", "ftp://host", "http://", ""}) {
    S3Config config;
    config.endpoint = e;
    S3Client client(config);
    EXPECT_EQ(client.init_status().code(), Status::Code::kInvalidArgument) << e;
  }
}

}  // namespace
}  // namespace tideline::s3
