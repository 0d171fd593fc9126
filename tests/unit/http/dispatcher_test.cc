#include "http/dispatcher.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "http/wire.h"
#include "http_test_support.h"
#include "json/json.h"

namespace tideline::http {
namespace {

using testing::FakeLookup;
using testing::TestContext;

// The wire contract (docs/wire-protocol.md): every error body is
// {"__type":"com.amazonaws.dynamodb.v20120810#<Name>"[,<extra>],"message":"<message>"}.
std::string Body(std::string_view name, std::string_view message) {
  return R"({"__type":"com.amazonaws.dynamodb.v20120810#)" + std::string(name) +
         R"(","message":")" + std::string(message) + "\"}";
}
std::string UnknownOperation(std::string_view target) {
  return Body("UnknownOperationException", "Unknown operation: " + std::string(target));
}
std::string BadJson(std::string_view reason, size_t offset) {
  return Body("SerializationException",
              "The request body is not valid JSON: " + std::string(reason) + " (at byte " +
                  std::to_string(offset) + ")");
}
const std::string kNotAnObject =
    Body("SerializationException", "The request body must be a JSON object");

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

TEST_F(DispatcherTest, AnswersUnknownOperationNamingEveryMalformedTarget) {
  for (std::string_view target :
       {"whatever", "DynamoDB_20120810", "DynamoDB_20120810.", "DynamoDB_20120810.Nope",
        "DynamoDB_20111205.Echo", "dynamodb_20120810.Echo", "DynamoDB_20120810.Echo.Echo",
        "DynamoDB_20120810.echo", " DynamoDB_20120810.Echo", "DynamoDB_20120810.Echo "}) {
    DispatchResult r = Call(target, "{}");
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.body, UnknownOperation(target)) << target;
  }
}

TEST_F(DispatcherTest, AMissingTargetIsAnUnknownOperationThatSaysSo) {
  DispatchResult r = Call("", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, Body("UnknownOperationException", "Missing X-Amz-Target header"));
}

TEST_F(DispatcherTest, TheEchoedTargetIsEscapedAndCutAt256Bytes) {
  DispatchResult quoted = Call("DynamoDB_20120810.A\"b\\c\n", "{}");
  EXPECT_EQ(quoted.body, UnknownOperation(R"(DynamoDB_20120810.A\"b\\c\n)"));

  const std::string long_target = "DynamoDB_20120810." + std::string(1000, 'X');
  DispatchResult cut = Call(long_target, "{}");
  EXPECT_EQ(cut.status, 400);
  EXPECT_EQ(cut.body, UnknownOperation(long_target.substr(0, 256)));
}

TEST_F(DispatcherTest, AnswersUnknownOperationWithTheRealOperationTable) {
  DispatchResult r = Dispatch(env_.ctx(), "DynamoDB_20120810.NoSuchOperation", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, UnknownOperation("DynamoDB_20120810.NoSuchOperation"));
}

TEST_F(DispatcherTest, MalformedJsonIsASerializationErrorWithReasonAndOffset) {
  struct Case {
    std::string body;
    std::string reason;
    size_t offset;
  };
  const std::vector<Case> cases = {
      {"}}}", "Invalid value.", 0},
      {"hi", "Invalid value.", 0},
      {"   ", "The document is empty.", 3},
      {"{", "Missing a name for object member.", 1},
      {"{7}", "Missing a name for object member.", 1},
      {"{\"a\":", "Invalid value.", 5},
      {"{\"\"\"}", "Missing a colon after a name of object member.", 3},
      {"{\"a\":1,}", "Missing a name for object member.", 7},
      {"{} trailing", "The document root must not be followed by other values.", 3},
      {"{\"a\":\"\xff\"}", "Invalid encoding in string.", 6},
      {std::string(10000, '{'), "Missing a name for object member.", 1},
  };
  // The body is judged before the target, so a bad target does not hide the JSON error.
  for (const Case& c : cases) {
    for (std::string_view target : {"DynamoDB_20120810.Echo", "whatever", ""}) {
      DispatchResult r = Call(target, c.body);
      EXPECT_EQ(r.status, 400) << c.body.substr(0, 20);
      EXPECT_EQ(r.body, BadJson(c.reason, c.offset)) << c.body.substr(0, 20);
    }
  }
}

TEST_F(DispatcherTest, EmptyBodyIsASerializationErrorOnlyForAKnownOperation) {
  DispatchResult known = Call("DynamoDB_20120810.Echo", "");
  EXPECT_EQ(known.status, 400);
  EXPECT_EQ(known.body, kNotAnObject);
  EXPECT_EQ(Call("DynamoDB_20120810.Nope", "").body, UnknownOperation("DynamoDB_20120810.Nope"));
}

TEST_F(DispatcherTest, JsonThatIsNotAnObjectIsASerializationError) {
  for (std::string_view body : {"[]", "7", "\"s\"", "null", "true", " [ {} ] "}) {
    DispatchResult r = Call("DynamoDB_20120810.Echo", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body, kNotAnObject) << body;
  }
}

TEST_F(DispatcherTest, DynamoDbErrorsCarryTheDynamoDbNamespace) {
  DispatchResult r = Call("DynamoDB_20120810.NotFound", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",)"
                    R"("message":"Requested resource not found"})");
}

TEST_F(DispatcherTest, ValidationErrorsCarryTheDynamoDbNamespaceAndAnEscapedMessage) {
  DispatchResult r = Call("DynamoDB_20120810.Validation", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#ValidationException",)"
                    R"("message":"1 validation error detected: Value \"x\"\nat 'tableName' )"
                    "\u00e9\"}");
  json::Document doc;
  ASSERT_TRUE(json::Parse(r.body, &doc, nullptr)) << r.body;
  EXPECT_EQ(json::AsView(doc["message"]),
            "1 validation error detected: Value \"x\"\nat 'tableName' \u00e9");
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

TEST_F(DispatcherTest, ProtocolErrorBodiesCarryAChecksumZlibAgreesWith) {
  // The x-amz-crc32 the SDKs verify, for each body the dispatcher writes itself.
  for (const DispatchResult& r :
       {Call("DynamoDB_20120810.Nope", "{}"), Call("", "{}"), Call("DynamoDB_20120810.Echo", "{"),
        Call("DynamoDB_20120810.Echo", "[]"), Call("DynamoDB_20120810.Echo", "")}) {
    std::string head;
    AppendResponseHead(&head, r.status, "application/x-amz-json-1.0", r.body,
                       ConnectionHeader::kNone);
    const uLong crc =
        crc32(0L, reinterpret_cast<const Bytef*>(r.body.data()), static_cast<uInt>(r.body.size()));
    EXPECT_NE(head.find("\r\nx-amz-crc32: " + std::to_string(crc) + "\r\n"), std::string::npos)
        << r.body << "\n"
        << head;
  }
}

TEST(ErrorBodyTest, EveryErrorUsesTheDynamoDbNamespaceAndALowercaseMessage) {
  EXPECT_EQ(ErrorBody(ApiError::Serialization("NUMBER_VALUE cannot be converted to String")),
            Body("SerializationException", "NUMBER_VALUE cannot be converted to String"));
  EXPECT_EQ(ErrorBody(ApiError::TransactionCanceled("Transaction cancelled", R"("A":1)")),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",)"
            R"("A":1,"message":"Transaction cancelled"})");
  EXPECT_EQ(ErrorBody(ApiError::Validation("bad")), Body("ValidationException", "bad"));
  EXPECT_EQ(ErrorBody(ApiError::UnknownOperation("Unknown operation: x")), UnknownOperation("x"));
  EXPECT_EQ(ErrorBody(ApiError::AccessDenied("no")), Body("AccessDeniedException", "no"));
  EXPECT_EQ(ErrorBody(ApiError::RequestEntityTooLarge("Request payload size exceeds the limit")),
            Body("RequestEntityTooLarge", "Request payload size exceeds the limit"));
}

// Disabled: Dispatch echoes the X-Amz-Target bytes unchecked, so a target that is not UTF-8 (HTTP
// allows obs-text bytes in a header), or the 256-byte cut falling inside a character, gives a
// body that is not UTF-8 and that SDKs fail to decode. Enable once dispatcher.cc sanitizes it.
TEST_F(DispatcherTest, TheEchoedTargetIsAlwaysValidUtf8) {
  const std::string split_character = "DynamoDB_20120810." + std::string(237, 'X') + "\u00e9";
  ASSERT_EQ(split_character.size(), 257u);  // the cut at 256 falls between the two bytes of é
  for (const std::string& target : {std::string("DynamoDB_20120810.\xff\xfe"), split_character}) {
    DispatchResult r = Call(target, "{}");
    EXPECT_EQ(r.status, 400);
    json::Document doc;
    std::string error;
    ASSERT_TRUE(json::Parse(r.body, &doc, &error)) << error << ": " << r.body;
    EXPECT_EQ(json::AsView(doc["__type"]),
              "com.amazonaws.dynamodb.v20120810#UnknownOperationException");
    EXPECT_TRUE(json::AsView(doc["message"]).starts_with("Unknown operation: DynamoDB_20120810."))
        << r.body;
  }
}

TEST(ErrorBodyTest, TheMessageMemberIsNeverOmitted) {
  EXPECT_EQ(ErrorBody(ApiError(400, "UnknownOperationException", "")),
            Body("UnknownOperationException", ""));
}

}  // namespace
}  // namespace tideline::http
