#include "http/dispatcher.h"

#include <gtest/gtest.h>

#include <string>

#include "http/wire.h"
#include "http_test_support.h"
#include "json/json.h"

namespace tideline::http {
namespace {

using testing::FakeLookup;
using testing::TestContext;

constexpr std::string_view kUnknownOperation =
    R"({"__type":"com.amazon.coral.service#UnknownOperationException"})";
constexpr std::string_view kSerialization =
    R"({"__type":"com.amazon.coral.service#SerializationException"})";

class DispatcherTest : public ::testing::Test {
 protected:
  DispatchResult Call(std::string_view target, std::string_view body) {
    return Dispatch(env_.ctx(), target, body, &FakeLookup);
  }
  TestContext env_;
};

TEST_F(DispatcherTest, PassesTheParsedRequestToTheOperation) {
  DispatchResult r = Call("DynamoDB_20120810.Echo", R"({"TableName":"t","N":[1,2.5,"x"]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"TableName":"t","N":[1,2.5,"x"]})");
}

TEST_F(DispatcherTest, PassesAnEmptyResponseBodyThrough) {
  DispatchResult r = Call("DynamoDB_20120810.Empty", "{}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
}

TEST_F(DispatcherTest, AnswersUnknownOperationForEveryMalformedTarget) {
  for (std::string_view target :
       {"", "whatever", "DynamoDB_20120810", "DynamoDB_20120810.", "DynamoDB_20120810.Nope",
        "DynamoDB_20111205.Echo", "dynamodb_20120810.Echo", "DynamoDB_20120810.Echo.Echo",
        "DynamoDB_20120810.echo", " DynamoDB_20120810.Echo", "DynamoDB_20120810.Echo "}) {
    DispatchResult r = Call(target, "{}");
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.body, kUnknownOperation) << target;
  }
}

TEST_F(DispatcherTest, AnswersUnknownOperationWithTheRealOperationTable) {
  DispatchResult r = Dispatch(env_.ctx(), "DynamoDB_20120810.NoSuchOperation", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, kUnknownOperation);
}

TEST_F(DispatcherTest, MalformedJsonIsASerializationErrorEvenWithABadTarget) {
  const std::string deep_open(10000, '{');
  for (std::string_view body :
       {std::string_view("}}}"), std::string_view("{"), std::string_view("hi"),
        std::string_view("{\"a\":"), std::string_view("{\"\"\"}"), std::string_view("{7}"),
        std::string_view("{\"a\":\"\xff\"}"), std::string_view(deep_open)}) {
    for (std::string_view target : {"DynamoDB_20120810.Echo", "whatever"}) {
      DispatchResult r = Call(target, body);
      EXPECT_EQ(r.status, 400) << body.substr(0, 20);
      EXPECT_EQ(r.body, kSerialization) << body.substr(0, 20);
    }
  }
}

TEST_F(DispatcherTest, EmptyBodyIsASerializationErrorOnlyForAKnownOperation) {
  EXPECT_EQ(Call("DynamoDB_20120810.Echo", "").body, kSerialization);
  EXPECT_EQ(Call("DynamoDB_20120810.Nope", "").body, kUnknownOperation);
}

TEST_F(DispatcherTest, JsonThatIsNotAnObjectIsASerializationError) {
  for (std::string_view body : {"[]", "7", "\"s\"", "null", "true"}) {
    DispatchResult r = Call("DynamoDB_20120810.Echo", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body, kSerialization) << body;
  }
}

TEST_F(DispatcherTest, DynamoDbErrorsCarryTheDynamoDbNamespace) {
  DispatchResult r = Call("DynamoDB_20120810.NotFound", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",)"
                    R"("message":"Requested resource not found"})");
}

TEST_F(DispatcherTest, ValidationErrorsCarryTheCoralNamespaceAndAnEscapedMessage) {
  DispatchResult r = Call("DynamoDB_20120810.Validation", "{}");
  EXPECT_EQ(r.status, 400);
  json::Document doc;
  ASSERT_TRUE(json::Parse(r.body, &doc, nullptr)) << r.body;
  EXPECT_EQ(json::AsView(doc["__type"]), "com.amazon.coral.validate#ValidationException");
  EXPECT_EQ(json::AsView(doc["message"]),
            "1 validation error detected: Value \"x\"\nat 'tableName' \u00e9");
  EXPECT_EQ(doc.MemberCount(), 2u);
}

TEST_F(DispatcherTest, ExtraMembersAreAppendedInsideTheErrorObject) {
  DispatchResult r = Call("DynamoDB_20120810.Conditional", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
            R"("Item":{"pk":{"S":"a"}},"message":"The conditional request failed"})");
}

TEST_F(DispatcherTest, OtherExceptionsAreInternalServerErrors) {
  const std::string expected =
      R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError",)"
      R"("message":"Internal server error"})";
  for (std::string_view op : {"Crash", "ThrowInt", "JsonMisuse"}) {
    DispatchResult r = Call(std::string("DynamoDB_20120810.") + std::string(op), "{}");
    EXPECT_EQ(r.status, 500) << op;
    EXPECT_EQ(r.body, expected) << op;
  }
}

TEST_F(DispatcherTest, LargeRequestsBeyondTheArenaAndItsReuseStayCorrect) {
  // Bigger than the per-thread arena, so parsing spills into extra chunks; then small again.
  for (int round = 0; round < 3; ++round) {
    std::string body = "{\"L\":[";
    for (int i = 0; i < 20000; ++i) body += (i ? ",\"v" : "\"v") + std::to_string(i) + "\"";
    body += "]}";
    DispatchResult big = Call("DynamoDB_20120810.Echo", body);
    EXPECT_EQ(big.body, body);
    DispatchResult small = Call("DynamoDB_20120810.Echo", R"({"a":"b"})");
    EXPECT_EQ(small.body, R"({"a":"b"})");
  }
}

TEST(ErrorBodyTest, UsesEachErrorsNamespaceAndMessageSpelling) {
  EXPECT_EQ(ErrorBody(ApiError::Serialization("NUMBER_VALUE cannot be converted to String")),
            R"({"__type":"com.amazon.coral.service#SerializationException",)"
            R"("Message":"NUMBER_VALUE cannot be converted to String"})");
  EXPECT_EQ(ErrorBody(ApiError::TransactionCanceled("Transaction cancelled", R"("A":1)")),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",)"
            R"("A":1,"Message":"Transaction cancelled"})");
  EXPECT_EQ(ErrorBody(ApiError::AccessDenied("no")),
            R"({"__type":"com.amazon.coral.service#AccessDeniedException","message":"no"})");
  EXPECT_EQ(ErrorBody(ApiError::RequestEntityTooLarge("Request payload size exceeds the limit")),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#RequestEntityTooLarge",)"
            R"("message":"Request payload size exceeds the limit"})");
  EXPECT_EQ(ErrorBody(ApiError(400, "UnknownOperationException", "")), kUnknownOperation);
}

TEST(ErrorBodyTest, BareBodiesHaveTheChecksumsDynamoDbSends) {
  // dynalite's connection tests record these x-amz-crc32 values from real DynamoDB.
  EXPECT_EQ(Crc32(ErrorBody(ApiError(400, "UnknownOperationException", ""))), 1368724161u);
  EXPECT_EQ(Crc32(ErrorBody(ApiError(400, "SerializationException", ""))), 3948637019u);
}

}  // namespace
}  // namespace tideline::http
