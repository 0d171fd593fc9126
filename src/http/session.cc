// One HTTP/1.1 connection: a coroutine loop that parses a request, answers it synchronously and
// writes header + body in one gather write, plus a watchdog coroutine for the timeouts.
//
// Before a response goes out, every write it may reveal is made durable (see MakeDurable).
//
// Timeouts are a deadline the loop moves forward on every read and write (a clock read, no timer
// operation per request); the watchdog sleeps until the deadline and re-arms while the deadline
// keeps moving. When the loop shortens the deadline (idle -> io timeout) the watchdog still wakes
// at the older, later time, so a stalled request is cut after at most idle_timeout.

// clang-format off
#include <utility>  // must precede Asio's awaitable headers (GCC 12, Boost 1.74)
// clang-format on

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "common/api_error.h"
#include "http/dispatcher.h"
#include "http/server_internal.h"
#include "http/wire.h"
#include "storage/storage.h"

namespace tideline::http {

namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr size_t kHeaderReadSize = 16 * 1024;
constexpr size_t kBodyReadSize = 64 * 1024;
// A refused upload is drained for at most this long or this many bytes.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kLingerBytes = 32 * 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

auto Awaitable(error_code& ec) { return net::redirect_error(net::use_awaitable, ec); }

}  // namespace

Session::Session(Server::Impl& server, Socket socket)
    : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()) {
  head_.reserve(512);
}

Session::~Session() { server_.Unregister(this); }

void Session::Start(const std::shared_ptr<Session>& self) {
  self->Touch(self->server_.options.idle_timeout);
  net::co_spawn(self->socket_.get_executor(), Loop(self), net::detached);
  net::co_spawn(self->socket_.get_executor(), Watchdog(self), net::detached);
}

void Session::OnServerStop() {
  if (idle_) Close();  // otherwise Serve() closes after the response in progress
}

void Session::ForceClose() { Close(); }

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  timer_.cancel();
}

net::awaitable<void> Session::Loop(std::shared_ptr<Session> self) {
  try {
    co_await self->Serve();
  } catch (const std::exception& e) {
    spdlog::error("connection closed after an internal error: {}", e.what());
  }
  self->Close();
}

net::awaitable<void> Session::Watchdog(std::shared_ptr<Session> self) {
  error_code ec;
  while (!self->closed_) {
    self->timer_.expires_at(self->deadline_);
    co_await self->timer_.async_wait(Awaitable(ec));
    if (self->closed_) break;
    if (Clock::now() >= self->deadline_) {
      self->Close();  // the pending read or write completes with operation_aborted
      break;
    }
  }
}

net::awaitable<void> Session::Serve() {
  const ServerOptions& options = server_.options;
  while (!closed_) {
    RequestParser parser(&request_);
    parser.eager(true);
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    if (!co_await ReadRequest(parser)) co_return;

    // The request is complete; from here until the response is written the session is busy and
    // a server stop waits for it. A stop during the operation makes this the last response.
    server_.router.Handle(request_, &reply_);
    // Not only after writes: a read may have seen another request's write that is still in
    // the WAL buffer, and must not answer before a kill -9 could no longer lose it.
    if (server_.storage.WalDirty()) co_await MakeDurable();
    const bool keep_alive = parser.keep_alive() && !server_.stopping.load();
    const bool head = request_.method == bhttp::verb::head;
    if (!co_await Write(reply_.status, reply_.content_type, reply_.body, keep_alive,
                        reply_.extra_headers, head)) {
      co_return;
    }
    if (!keep_alive) {
      error_code ec;
      socket_.shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

net::awaitable<void> Session::MakeDurable() {
  // Requests that arrived together are handled one after the other by the handlers of one
  // event-loop iteration. Re-queueing at the back (the strand re-posts to the io_context) lets
  // the others run their operations first; the first to resume writes the WAL for all of them,
  // and the rest find it clean and only pay an atomic load.
  // A lone connection has nobody to share the flush with: yielding would only add a poll.
  if (server_.session_count.load(std::memory_order_relaxed) > 1) {
    co_await net::post(socket_.get_executor(), net::use_awaitable);
  }
  const Status s = server_.storage.SyncWal();
  if (s.ok()) co_return;
  spdlog::error("cannot flush the write-ahead log: {}", s.ToString());
  const ApiError error = ApiError::Internal("Internal server error");
  reply_.status = error.http_status();
  if (reply_.content_type.empty()) reply_.content_type = kAmzJson;
  reply_.body = ErrorBody(error);
}

net::awaitable<bool> Session::ReadRequest(RequestParser& parser) {
  const ServerOptions& options = server_.options;
  error_code ec;
  bool sent_continue = false;
  idle_ = buffer_.size() == 0;
  while (!parser.is_done()) {
    if (buffer_.size() > 0) {
      idle_ = false;
      const size_t n = parser.put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == bhttp::error::need_more) {
        ec = {};
      } else if (ec == bhttp::error::body_limit) {
        // Content-Length over the limit (found before any body byte is read), or a chunked
        // body that grew past it.
        version_ = request_.version;
        ApiError error = ApiError::RequestEntityTooLarge("Request payload size exceeds the limit");
        if (co_await Write(error.http_status(), kAmzJson, ErrorBody(error), false)) {
          co_await LingeringClose();
        }
        co_return false;
      } else if (ec) {
        // Garbage, an oversized header, a bad chunk...: DynamoDB's front end answers a bare
        // 400 and drops the connection.
        version_ = 11;
        co_await Write(ec == bhttp::error::header_limit ? 431 : 400, {}, {}, false);
        co_return false;
      } else if (parser.is_done()) {
        break;
      } else if (n > 0 && buffer_.size() > 0) {
        continue;
      }
    }
    if (parser.is_header_done() && request_.expect_continue && !sent_continue) {
      // curl and the AWS CLI wait (about a second) for this before sending a large body.
      sent_continue = true;
      Touch(options.io_timeout);
      co_await net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                                Awaitable(ec));
      if (ec) co_return false;
    }
    if (idle_ && server_.stopping.load()) co_return false;
    Touch(idle_ ? options.idle_timeout : options.io_timeout);
    const size_t want = parser.is_header_done() ? kBodyReadSize : kHeaderReadSize;
    const size_t n = co_await socket_.async_read_some(buffer_.prepare(want), Awaitable(ec));
    if (ec) co_return false;  // EOF between requests is the normal end of a connection
    buffer_.commit(n);
  }
  idle_ = false;
  version_ = request_.version;
  co_return true;
}

net::awaitable<bool> Session::Write(int status, std::string_view content_type,
                                    std::string_view body, bool keep_alive,
                                    std::string_view extra_headers, bool head_only) {
  ConnectionHeader connection = ConnectionHeader::kNone;
  if (!keep_alive) {
    connection = ConnectionHeader::kClose;
  } else if (version_ == 10) {
    connection = ConnectionHeader::kKeepAlive;
  }
  head_.clear();
  AppendResponseHead(&head_, status, content_type, body, connection, extra_headers);
  Touch(server_.options.io_timeout);
  error_code ec;
  const std::array<net::const_buffer, 2> buffers = {
      net::buffer(head_.data(), head_.size()),
      head_only ? net::const_buffer() : net::buffer(body.data(), body.size())};
  co_await net::async_write(socket_, buffers, Awaitable(ec));
  co_return !ec;
}

net::awaitable<void> Session::LingeringClose() {
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  // Shorten the deadline; re-arming the timer wakes the watchdog, which re-arms at the new time.
  deadline_ = Clock::now() + kLingerTime;
  timer_.expires_at(deadline_);
  size_t drained = 0;
  while (!closed_ && drained < kLingerBytes) {
    buffer_.clear();
    const size_t n =
        co_await socket_.async_read_some(buffer_.prepare(kBodyReadSize), Awaitable(ec));
    if (ec) break;
    drained += n;
  }
  buffer_.clear();
}

}  // namespace tideline::http
