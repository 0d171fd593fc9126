// The server over real loopback sockets, with the fake operation table. The client side is
// plain blocking POSIX sockets with a receive timeout, so a misbehaving server fails a test
// instead of hanging it.

#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "http/wire.h"
#include "http_test_support.h"

namespace tideline::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::FakeLookup;
using testing::TestContext;
using Clock = std::chrono::steady_clock;

struct Response {
  int status = 0;
  bhttp::fields headers;
  std::string body;
};

class Client {
 public:
  explicit Client(uint16_t port, int timeout_ms = 5000) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response; false on EOF, reset, timeout or a malformed response.
  bool Read(Response* out, bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.eager(true);
    if (head) parser.skip(true);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
      if (!pending_.empty()) {
        size_t n = parser.put(boost::asio::buffer(pending_), ec);
        pending_.erase(0, n);
        if (ec == bhttp::error::need_more) {
          ec = {};
        } else if (ec) {
          return false;
        } else if (n > 0 && !pending_.empty()) {
          continue;
        }
        if (parser.is_done()) break;
      }
      if (!Fill()) return false;
    }
    auto& msg = parser.get();
    out->status = static_cast<int>(msg.result_int());
    out->headers = msg.base();
    out->body = msg.body();
    return true;
  }

  // True if the server closes the connection (EOF or reset) within the receive timeout.
  bool ClosedByServer() {
    char c;
    ssize_t n = recv(fd_, &c, 1, 0);
    if (n == 0) return true;
    return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
  }

 private:
  bool Fill() {
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

std::string Post(std::string_view op, std::string_view body, std::string_view extra = {}) {
  std::string r =
      "POST / HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: application/x-amz-json-1.0\r\n"
      "X-Amz-Target: DynamoDB_20120810.";
  r += op;
  r += "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=x/20250101/us-east-1/dynamodb/aws4_request, "
       "SignedHeaders=host, Signature=00\r\nContent-Length: ";
  r += std::to_string(body.size());
  r += "\r\n";
  r += extra;
  r += "\r\n";
  r += body;
  return r;
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.lookup = &FakeLookup;
    server_ = std::make_unique<Server>(env_.ctx(), options);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }
  uint16_t port() const { return server_->port(); }

  TestContext env_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ServesManyRequestsOnOneKeepAliveConnection) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.connected());
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    const std::string body = "{\"i\":" + std::to_string(i) + "}";
    ASSERT_TRUE(c.Send(Post("Echo", body)));
    Response r;
    ASSERT_TRUE(c.Read(&r)) << i;
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, body);
    EXPECT_EQ(r.headers["Content-Type"], "application/x-amz-json-1.0");
    EXPECT_EQ(r.headers["x-amz-crc32"], std::to_string(Crc32(body)));
    EXPECT_EQ(r.headers["x-amzn-RequestId"].size(), kRequestIdLength);
    EXPECT_EQ(r.headers.count("Connection"), 0u);
    ids.insert(std::string(r.headers["x-amzn-RequestId"]));
  }
  EXPECT_EQ(ids.size(), 200u);
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Post("Echo", R"({"n":1})") + Post("NotFound", "{}") + Post("Echo", "{}")));
  Response a, b, d;
  ASSERT_TRUE(c.Read(&a));
  ASSERT_TRUE(c.Read(&b));
  ASSERT_TRUE(c.Read(&d));
  EXPECT_EQ(a.body, R"({"n":1})");
  EXPECT_EQ(b.status, 400);
  EXPECT_NE(b.body.find("ResourceNotFoundException"), std::string::npos);
  EXPECT_EQ(d.body, "{}");
}

TEST_F(ServerTest, DecodesAChunkedBody) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(
      c.Send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n"
             "X-Amz-Target: DynamoDB_20120810.Echo\r\nTransfer-Encoding: chunked\r\n\r\n"
             "4\r\n{\"a\"\r\n"
             "5\r\n:\"bc\"\r\n"
             "1;ext=1\r\n}\r\n"
             "0\r\n\r\n"));
  Response r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a":"bc"})");
}

TEST_F(ServerTest, SendsContinueBeforeReadingTheBody) {
  StartServer();
  Client c(port());
  const std::string body = R"({"x":"y"})";
  std::string request = Post("Echo", body, "Expect: 100-continue\r\n");
  ASSERT_TRUE(c.Send(request.substr(0, request.size() - body.size())));
  Response interim;
  ASSERT_TRUE(c.Read(&interim));
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(c.Send(body));
  Response r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, body);
}

TEST_F(ServerTest, RefusesAnOversizedContentLengthBeforeTheBodyArrives) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  {
    // Exactly at the limit: served.
    Client c(port());
    std::string body = "{\"a\":\"" + std::string(1000 - 8, 'x') + "\"}";
    ASSERT_EQ(body.size(), 1000u);
    ASSERT_TRUE(c.Send(Post("Echo", body)));
    Response r;
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 200);
  }
  {
    // One byte over, and not a byte of the body sent: the server answers anyway, and closes.
    Client c(port());
    std::string request = Post("Echo", std::string(1001, ' '), "Expect: 100-continue\r\n");
    ASSERT_TRUE(c.Send(request.substr(0, request.size() - 1001)));
    Response r;
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#RequestEntityTooLarge",)"
                      R"("message":"Request payload size exceeds the limit"})");
    EXPECT_EQ(r.headers["Connection"], "close");
    EXPECT_EQ(r.headers["x-amz-crc32"], std::to_string(Crc32(r.body)));
    EXPECT_TRUE(c.ClosedByServer());
  }
}

TEST_F(ServerTest, CutsOffAChunkedBodyAtTheLimit) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  Client c(port());
  std::string chunk(600, 'x');
  ASSERT_TRUE(
      c.Send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n"
             "X-Amz-Target: DynamoDB_20120810.Echo\r\nTransfer-Encoding: chunked\r\n\r\n"
             "258\r\n" +
             chunk + "\r\n258\r\n" + chunk + "\r\n"));
  Response r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST_F(ServerTest, AnswersGarbageWithBadRequestAndKeepsServing) {
  StartServer();
  for (std::string garbage :
       {std::string("GARBAGE\r\n\r\n"), std::string("POST / HTTP/1.1\r\nHost x\r\n\r\n"),
        std::string("\x00\x01\x02\xff\r\n\r\n", 8),
        std::string("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
        std::string("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
    Client c(port());
    ASSERT_TRUE(c.Send(garbage));
    Response r;
    ASSERT_TRUE(c.Read(&r)) << garbage;
    EXPECT_EQ(r.status, 400) << garbage;
    EXPECT_TRUE(c.ClosedByServer());
  }
  Client c(port());
  ASSERT_TRUE(c.Send(Post("Echo", "{}")));
  Response r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
}

TEST_F(ServerTest, RefusesAnOversizedHeader) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
  Response r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 431);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST_F(ServerTest, HealthCheckAndHead) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(
      c.Send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\nHEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n" +
             Post("Echo", "{}")));
  Response health, head, echo;
  ASSERT_TRUE(c.Read(&health));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "healthy: localhost ");
  EXPECT_EQ(health.headers["x-amz-crc32"], std::to_string(Crc32(health.body)));
  ASSERT_TRUE(c.Read(&head, /*head=*/true));
  EXPECT_EQ(head.status, 404);
  ASSERT_TRUE(c.Read(&echo));  // the HEAD response carried no body bytes
  EXPECT_EQ(echo.body, "{}");
}

TEST_F(ServerTest, HonoursConnectionSemanticsOfHttp10And11) {
  StartServer();
  {
    Client c(port());
    ASSERT_TRUE(c.Send("GET / HTTP/1.0\r\n\r\n"));
    Response r;
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.headers["Connection"], "close");
    EXPECT_TRUE(c.ClosedByServer());
  }
  {
    Client c(port());
    ASSERT_TRUE(c.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    Response r;
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.headers["Connection"], "keep-alive");
    ASSERT_TRUE(c.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 200);
  }
  {
    Client c(port());
    ASSERT_TRUE(c.Send(Post("Echo", "{}", "Connection: close\r\n")));
    Response r;
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.headers["Connection"], "close");
    EXPECT_TRUE(c.ClosedByServer());
  }
}

TEST_F(ServerTest, SendsLargeResponsesWhole) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Post("Big", R"({"n":5000000})")));
  Response r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.body.size(), 5000000u + 11);
  EXPECT_EQ(r.headers["x-amz-crc32"], std::to_string(Crc32(r.body)));
}

TEST_F(ServerTest, ClosesIdleAndStalledConnections) {
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  options.io_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  Client idle(port());
  Client stalled(port());
  ASSERT_TRUE(stalled.Send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Len"));
  const auto start = Clock::now();
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_TRUE(stalled.ClosedByServer());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
}

// Each byte used to push the deadline back: a request now has one deadline from its first byte.
TEST_F(ServerTest, CutsADribblingRequestAtTheRequestDeadline) {
  ServerOptions options;
  options.request_timeout = std::chrono::milliseconds(400);
  options.io_timeout = std::chrono::milliseconds(300);
  StartServer(options);
  Client c(port(), 100);
  const std::string request = Post("Echo", "{}");
  const auto start = Clock::now();
  bool closed = false;
  for (size_t i = 0; i + 1 < request.size() && !closed; ++i) {
    closed = !c.Send(request.substr(i, 1)) || c.ClosedByServer();  // a byte every 100 ms
  }
  EXPECT_TRUE(closed);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(350));
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
}

// A request that stops arriving is closed after the io timeout, even when the idle timeout
// (which the watchdog was sleeping on) is much longer.
TEST_F(ServerTest, ClosesAStalledRequestAfterTheIoTimeout) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(20);
  options.io_timeout = std::chrono::milliseconds(200);
  StartServer(options);
  Client c(port(), 5000);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // idle for a while first
  ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Len"));
  const auto start = Clock::now();
  EXPECT_TRUE(c.ClosedByServer());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
}

// Bodies share one memory budget; one that does not fit is refused with ThrottlingException
// before it is buffered, and the budget is given back when a body is done with.
TEST_F(ServerTest, RefusesBodiesPastTheMemoryBudget) {
  ServerOptions options;
  options.max_request_memory = 1024 * 1024;
  StartServer(options);
  const std::string body = "{\"a\":\"" + std::string(700 * 1024, 'x') + "\"}";
  const std::string request = Post("Echo", body);
  Client holder(port());
  ASSERT_TRUE(holder.Send(request.substr(0, request.size() - 1)));  // all but the last byte
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    Client refused(port());
    ASSERT_TRUE(refused.Send(request));
    Response r;
    ASSERT_TRUE(refused.Read(&r));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException",)"
                      R"("message":"Rate of requests exceeds the allowed throughput."})");
    EXPECT_EQ(r.headers["Connection"], "close");
    EXPECT_TRUE(refused.ClosedByServer());
    Client small(port());
    ASSERT_TRUE(small.Send(Post("Echo", "{}")));
    ASSERT_TRUE(small.Read(&r));
    EXPECT_EQ(r.status, 200);  // small bodies are not counted
  }
  ASSERT_TRUE(holder.Send(request.substr(request.size() - 1)));
  Response r;
  ASSERT_TRUE(holder.Read(&r));
  EXPECT_EQ(r.status, 200);
  for (int i = 0; i < 3; ++i) {  // the budget came back, again and again
    ASSERT_TRUE(holder.Send(request));
    ASSERT_TRUE(holder.Read(&r));
    EXPECT_EQ(r.status, 200);
  }
}

// Connections past max_connections are answered ThrottlingException at once and closed.
TEST_F(ServerTest, AnswersConnectionsPastTheLimit) {
  ServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  Client a(port()), b(port());
  Response r;
  for (Client* c : {&a, &b}) {
    ASSERT_TRUE(c->Send("GET / HTTP/1.1\r\n\r\n"));
    ASSERT_TRUE(c->Read(&r));
    EXPECT_EQ(r.status, 200);
  }
  {
    Client over(port(), 2000);
    ASSERT_TRUE(over.Send(Post("Echo", "{}")));
    ASSERT_TRUE(over.Read(&r));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("ThrottlingException"), std::string::npos);
    EXPECT_EQ(r.headers["x-amz-crc32"], std::to_string(Crc32(r.body)));
    EXPECT_TRUE(over.ClosedByServer());
  }
  ASSERT_TRUE(a.Send(Post("Echo", "{}")));  // the admitted ones are unaffected
  ASSERT_TRUE(a.Read(&r));
  EXPECT_EQ(r.status, 200);
}

// A response of 4 KB or more is compressed when the client accepts it; x-amz-crc32 is then the
// CRC of the compressed bytes, as DynamoDB sends it.
TEST_F(ServerTest, CompressesLargeResponsesForClientsThatAcceptIt) {
  StartServer();
  Client c(port());
  Response r;
  ASSERT_TRUE(c.Send(Post("Big", R"({"n":100000})", "Accept-Encoding: gzip\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.headers["Content-Encoding"], "gzip");
  EXPECT_LT(r.body.size(), 10000u);
  EXPECT_EQ(r.headers["x-amz-crc32"], std::to_string(Crc32(r.body)));
  ASSERT_TRUE(c.Send(Post("Big", R"({"n":100})", "Accept-Encoding: gzip\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.headers.count("Content-Encoding"), 0u);
  ASSERT_TRUE(c.Send(Post("Big", R"({"n":100000})")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.headers.count("Content-Encoding"), 0u);
}

TEST_F(ServerTest, StopFinishesInFlightRequestsAndClosesIdleConnections) {
  StartServer();
  Client idle(port());
  Client busy(port());
  ASSERT_TRUE(idle.Send("GET / HTTP/1.1\r\n\r\n"));
  Response r;
  ASSERT_TRUE(idle.Read(&r));  // now idle between requests
  ASSERT_TRUE(busy.Send(Post("Slow", R"({"ms":400})")));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = Clock::now();
  server_->Stop();
  ASSERT_TRUE(busy.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Connection"], "close");
  EXPECT_TRUE(busy.ClosedByServer());
  EXPECT_TRUE(idle.ClosedByServer());
  server_->Wait();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  Client late(port(), 500);
  EXPECT_FALSE(late.connected() && late.Send(Post("Echo", "{}")) && late.Read(&r));
}

TEST_F(ServerTest, StopForceClosesConnectionsStuckPastTheDrainTimeout) {
  ServerOptions options;
  options.drain_timeout = std::chrono::milliseconds(300);
  StartServer(options);
  Client partial(port());
  ASSERT_TRUE(partial.Send("POST / HTTP/1.1\r\nHost: localhost\r\n"));  // a request that never ends
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = Clock::now();
  server_->Stop();
  server_->Wait();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(250));
  EXPECT_TRUE(partial.ClosedByServer());
}

TEST_F(ServerTest, StartFailsWhenThePortIsTaken) {
  StartServer();
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = port();
  options.lookup = &FakeLookup;
  Server second(env_.ctx(), options);
  Status s = second.Start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot listen"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace tideline::http
