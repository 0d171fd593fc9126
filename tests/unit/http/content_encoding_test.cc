#include "http/content_encoding.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace tideline::http {
namespace {

// The Accept-Encoding values whose outcome ScyllaDB Alternator's tests recorded against
// DynamoDB (test_compressed_response.py), and what DynamoDB chose for each.
TEST(ChooseResponseEncodingTest, ChoosesAsDynamoDbDoes) {
  const ResponseEncoding kNone = ResponseEncoding::kIdentity;
  const ResponseEncoding kGzip = ResponseEncoding::kGzip;
  const ResponseEncoding kDeflate = ResponseEncoding::kDeflate;
  const struct {
    const char* accept;
    ResponseEncoding expected;
  } cases[] = {
      {"gzip", kGzip},
      {"deflate", kDeflate},
      {"identity", kNone},
      {"", kNone},
      {"br", kNone},
      {"zstd", kNone},
      {"compress", kNone},
      {"x-gzip", kNone},
      {"gzip, deflate", kGzip},
      {"br, identity, deflate, gzip", kDeflate},
      {"GZIP, identity", kGzip},
      {"dog, gzip ,, cat", kGzip},
      {"gzip;q=0.8, deflate;q=0.5", kGzip},
      {"br, gzip;q=0, deflate; q = 0.5 , identity;q=0", kDeflate},
      {"*", kGzip},
      {"*, deflate;q=0.5", kGzip},
      {"*, deflate", kDeflate},
      {"*, identity", kGzip},
      {"*, gzip;q=0.5", kDeflate},
      {"gzip ;q=0", kNone},
      {"identity;q=0", kNone},
      {"*;q=0", kNone},
      {"*;q=0.5,identity", kGzip},
      {"gzip;q=0.5,identity;q=0.8", kGzip},
      {"br;q=0.8,identity;q=0.5,*;q=0", kNone},
      {"\"gzip\"", kNone},
      {"gzip br", kNone},
      {"gzip:q=1", kNone},
      {"deflate;q=0.5, gzip;q=31", kGzip},
      {"gzip;q=31,deflate;q=51", kGzip},
      {"deflate;q=0.5, gzip;q=0.2", kDeflate},
      {"deflate;q=0.5, gzip;q=1;q=0.2", kGzip},
      {"deflate;q=0.5,gzip;q=0.", kDeflate},
      {"deflate;q=0.5,gzip;q=0.x", kGzip},
      {"deflate;q=-0.5,gzip;q=0.2", kGzip},
      {"gzip;nq=1;q=0 ", kNone},
      {"gzip;q=0, gzip;q=1, gzip;q=0", kGzip},
      {"br,identity;q=0.5,gzip;q=0.0001", kGzip},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ChooseResponseEncoding(c.accept), c.expected) << c.accept;
  }
}

std::string Inflate(std::string_view in, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, window_bits), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

std::string Deflate(std::string_view in, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(CompressBodyTest, GzipAndZlibRoundTrip) {
  const std::string body = std::string(10000, 'a') + "{\"Items\":[]}";
  std::string out;
  CompressBody(ResponseEncoding::kGzip, body, &out);
  EXPECT_LT(out.size(), body.size() / 10);
  EXPECT_EQ(Inflate(out, 16 + MAX_WBITS), body);
  CompressBody(ResponseEncoding::kDeflate, body, &out);
  EXPECT_EQ(Inflate(out, MAX_WBITS), body);
}

class DecodeRequestBodyTest : public ::testing::Test {
 protected:
  // Decodes `body` sent with `encoding`; returns true on success.
  bool Decode(std::string encoding, std::string body) {
    request_.content_encoding = std::move(encoding);
    request_.body = std::move(body);
    reply_.Clear();
    reply_.content_type = kAmzJson;
    return DecodeRequestBody(request_, &decoded_, &result_, &reply_);
  }
  Request request_;
  Reply reply_;
  std::string decoded_;
  std::string_view result_;
};

TEST_F(DecodeRequestBodyTest, PassesPlainBodiesThrough) {
  ASSERT_TRUE(Decode("", "{}"));
  EXPECT_EQ(result_.data(), request_.body.data());  // not copied
  ASSERT_TRUE(Decode("identity", "{}"));
  EXPECT_EQ(result_, "{}");
}

TEST_F(DecodeRequestBodyTest, DecodesGzipAndDeflate) {
  const std::string json = R"({"TableName":"t"})";
  ASSERT_TRUE(Decode("gzip", Deflate(json, 16 + MAX_WBITS)));
  EXPECT_EQ(result_, json);
  ASSERT_TRUE(Decode(" GZIP ", Deflate(json, 16 + MAX_WBITS)));
  EXPECT_EQ(result_, json);
  ASSERT_TRUE(Decode("gzip", Deflate(json.substr(0, 5), 16 + MAX_WBITS) +
                                 Deflate(json.substr(5), 16 + MAX_WBITS)));
  EXPECT_EQ(result_, json);
  ASSERT_TRUE(Decode("deflate", Deflate(json, MAX_WBITS)));
  EXPECT_EQ(result_, json);
  ASSERT_TRUE(Decode("deflate", Deflate(json, -MAX_WBITS)));
  EXPECT_EQ(result_, json);
  ASSERT_TRUE(Decode("identity, gzip", Deflate(json, 16 + MAX_WBITS)));
  EXPECT_EQ(result_, json);
}

TEST_F(DecodeRequestBodyTest, RefusesUnknownCodingsAsDynamoDbDoes) {
  for (const char* encoding : {"br", "compress", "zstd", "gzip, deflate", "gzip;q=1"}) {
    ASSERT_FALSE(Decode(encoding, "{}")) << encoding;
    EXPECT_EQ(reply_.status, 500);
    EXPECT_EQ(reply_.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError",)"
                           R"("message":"Internal server error"})");
  }
}

TEST_F(DecodeRequestBodyTest, RefusesBodiesThatDoNotDecode) {
  const std::string gz = Deflate("{}", 16 + MAX_WBITS);
  for (const std::string& body :
       {std::string("{}"), std::string(), gz.substr(0, gz.size() - 1), gz + "junk"}) {
    ASSERT_FALSE(Decode("gzip", body));
    EXPECT_EQ(reply_.status, 500);
  }
  ASSERT_FALSE(Decode("deflate", "{}"));
  EXPECT_EQ(reply_.status, 500);
}

TEST_F(DecodeRequestBodyTest, StopsAtTheRequestSizeLimit) {
  ASSERT_TRUE(Decode("gzip", Deflate(std::string(kMaxDecodedBodyBytes, ' '), 16 + MAX_WBITS)));
  EXPECT_EQ(result_.size(), kMaxDecodedBodyBytes);
  ASSERT_FALSE(Decode("gzip", Deflate(std::string(kMaxDecodedBodyBytes + 1, ' '), 16 + MAX_WBITS)));
  EXPECT_EQ(reply_.status, 413);
  EXPECT_LE(decoded_.capacity(), kMaxDecodedBodyBytes);  // no memory past the limit
}

}  // namespace
}  // namespace tideline::http
