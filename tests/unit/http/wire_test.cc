#include "http/wire.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <set>
#include <string>

namespace tideline::http {
namespace {

TEST(Crc32Test, MatchesTheValuesDynamoDbSends) {
  // x-amz-crc32 values of real DynamoDB responses, as recorded in dynalite's connection tests.
  EXPECT_EQ(Crc32("healthy: dynamodb.us-east-1.amazonaws.com "), 3128867991u);
  EXPECT_EQ(Crc32("<UnknownOperationException/>\n"), 3552371480u);
  EXPECT_EQ(Crc32(R"({"__type":"com.amazon.coral.service#SerializationException"})"), 3948637019u);
  EXPECT_EQ(Crc32(""), 0u);
}

TEST(Crc32Test, MatchesZlibOnRandomData) {
  std::mt19937_64 rng(7);
  for (size_t size : {1u, 3u, 15u, 16u, 17u, 200u, 4095u, 65536u, 1000003u}) {
    std::string data(size, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    const uLong expected =
        crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
    EXPECT_EQ(Crc32(data), static_cast<uint32_t>(expected)) << size;
  }
}

TEST(RequestIdTest, IsFiftyTwoCharactersOfDynamoDbsAlphabetAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    char id[kRequestIdLength];
    NewRequestId(id);
    std::string s(id, kRequestIdLength);
    for (char c : s) {
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'V')) << s;
    }
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 2000u);
}

// Splits a response head into its lines (without the final empty line).
std::vector<std::string> HeadLines(const std::string& head) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (true) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;
    lines.push_back(head.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

TEST(ResponseHeadTest, CarriesLengthChecksumIdTypeAndDate) {
  std::string head;
  AppendResponseHead(&head, 200, "application/x-amz-json-1.0", "{}", ConnectionHeader::kNone);
  ASSERT_TRUE(head.ends_with("\r\n\r\n")) << head;
  std::vector<std::string> lines = HeadLines(head);
  ASSERT_EQ(lines.size(), 6u) << head;
  EXPECT_EQ(lines[0], "HTTP/1.1 200 OK");
  EXPECT_TRUE(lines[1].starts_with("x-amzn-RequestId: "));
  EXPECT_EQ(lines[1].size(), std::string("x-amzn-RequestId: ").size() + kRequestIdLength);
  EXPECT_EQ(lines[2], "x-amz-crc32: " + std::to_string(Crc32("{}")));
  EXPECT_EQ(lines[3], "Content-Type: application/x-amz-json-1.0");
  EXPECT_EQ(lines[4], "Content-Length: 2");
  EXPECT_TRUE(lines[5].starts_with("Date: ") && lines[5].ends_with(" GMT")) << lines[5];
}

TEST(ResponseHeadTest, WritesConnectionAndExtraHeadersAndOmitsAnEmptyType) {
  std::string head;
  AppendResponseHead(&head, 413, "", "abc", ConnectionHeader::kClose, "X-A: 1\r\nX-B: 2\r\n");
  std::vector<std::string> lines = HeadLines(head);
  ASSERT_EQ(lines.size(), 8u) << head;
  EXPECT_EQ(lines[0], "HTTP/1.1 413 Request Entity Too Large");
  EXPECT_EQ(lines[3], "Content-Length: 3");
  EXPECT_EQ(lines[5], "Connection: close");
  EXPECT_EQ(lines[6], "X-A: 1");
  EXPECT_EQ(lines[7], "X-B: 2");
  EXPECT_EQ(head.find("Content-Type"), std::string::npos);

  head.clear();
  AppendResponseHead(&head, 404, "", "", ConnectionHeader::kKeepAlive);
  EXPECT_NE(head.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << head;
  EXPECT_TRUE(head.starts_with("HTTP/1.1 404 Not Found\r\n"));
}

TEST(ResponseHeadTest, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(400), "Bad Request");
  EXPECT_EQ(ReasonPhrase(500), "Internal Server Error");
  EXPECT_EQ(ReasonPhrase(799), "Unknown");
}

}  // namespace
}  // namespace tideline::http
