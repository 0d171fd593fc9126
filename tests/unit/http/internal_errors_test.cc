// The 500 boundary (docs/errors.md): an internal error's detail is logged once, at error level,
// with the request id and the operation, and never reaches the client.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "http/dispatcher.h"
#include "http/router.h"
#include "http/wire.h"
#include "http_test_support.h"

namespace tideline::http {
namespace {

using testing::TestContext;

constexpr std::string_view kSecret = "IO error: No space left on device: /var/lib/x/000015.sst";

std::string FailsWithStatusText(api::Context&, const json::Value&) {
  throw ApiError::Internal(std::string(kSecret));
}
std::string FailsWithException(api::Context&, const json::Value&) {
  throw std::runtime_error(std::string(kSecret));
}
api::Operation Lookup(std::string_view name) {
  if (name == "Status") return &FailsWithStatusText;
  if (name == "Exception") return &FailsWithException;
  return nullptr;
}

// Captures what spdlog writes while it lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

size_t Count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(InternalErrorsTest, TheDetailIsLoggedOnceWithTheRequestIdAndNeverSent) {
  TestContext env;
  for (std::string_view op : {"Status", "Exception"}) {
    LogCapture log;
    const std::string id(kRequestIdLength, 'A');
    DispatchResult r =
        Dispatch(env.ctx(), "DynamoDB_20120810." + std::string(op), "{}", &Lookup, id);
    EXPECT_EQ(r.status, 500) << op;
    EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError",)"
                      R"("message":"Internal server error"})")
        << op;
    EXPECT_EQ(r.body.find("000015"), std::string::npos);
    const std::string text = log.text();
    EXPECT_EQ(Count(text, kSecret), 1u) << text;
    EXPECT_EQ(Count(text, "\n"), 1u) << text;
    EXPECT_EQ(text.rfind("error ", 0), 0u) << text;
    EXPECT_NE(text.find(id), std::string::npos) << text;
    EXPECT_NE(text.find(std::string(op)), std::string::npos) << text;
  }
}

TEST(InternalErrorsTest, ClientErrorsAreNotLogged) {
  TestContext env;
  LogCapture log;
  Dispatch(env.ctx(), "DynamoDB_20120810.Nope", "{}", &Lookup, "id");
  Dispatch(env.ctx(), "DynamoDB_20120810.Status", "not json", &Lookup, "id");
  EXPECT_EQ(log.text(), "");
}

TEST(InternalErrorsTest, TheRouterLogsAndAnswersTheSameRequestId) {
  TestContext env;
  Router router(env.ctx(), &Lookup);
  Request request;
  request.method = boost::beast::http::verb::post;
  request.amz_target = "DynamoDB_20120810.Status";
  request.content_type = "application/x-amz-json-1.0";
  request.body = "{}";
  Reply first, second;
  std::string log_first;
  {
    LogCapture log;
    router.Handle(request, &first);
    log_first = log.text();
  }
  router.Handle(request, &second);
  ASSERT_EQ(first.request_id.size(), kRequestIdLength);
  EXPECT_NE(first.request_id, second.request_id);
  EXPECT_NE(log_first.find(first.request_id), std::string::npos) << log_first;

  // The response head carries that id.
  std::string head;
  AppendResponseHead(&head, first.status, first.content_type, first.body, ConnectionHeader::kNone,
                     first.extra_headers, first.request_id);
  EXPECT_NE(head.find("\r\nx-amzn-RequestId: " + first.request_id + "\r\n"), std::string::npos)
      << head;
}

}  // namespace
}  // namespace tideline::http
