// One HTTP/1.1 connection, over plain TCP or TLS: a coroutine loop that parses a request,
// answers it synchronously and writes header + body in one gather write, plus a watchdog
// coroutine for the timeouts. The stream is a template parameter, so plain HTTP pays nothing
// for TLS.
//
// A response goes out only once the storage point the Router stamped on it is durable (see
// AwaitDurable): every write it may reveal survives a crash before the client hears of it.
//
// Timeouts are a deadline the loop sets as it goes (a clock read, no timer operation per
// request):
//   - waiting for a request: idle_timeout;
//   - receiving one: request_timeout from its first byte, or io_timeout from the last read,
//     whichever comes first (a client dribbling bytes is cut at the former, a stalled one at
//     the latter);
//   - sending a response: io_timeout for the whole of it.
// The watchdog sleeps until the deadline but never longer than the shortest timeout
// (watchdog_horizon). A deadline set later is at least that far ahead, so it is never earlier
// than the watchdog's wake-up, which then re-arms at it: deadlines hold to the timer's
// precision without re-arming the timer per request.
//
// Memory: a request body over 64 KB takes its size from the server's MemoryBudget before it is
// buffered (a body that does not fit is refused with ThrottlingException), and the buffers of
// a large request or reply are freed once it is answered, so an idle connection holds little.

// clang-format off
#include <utility>  // must precede Asio's awaitable headers (GCC 12, Boost 1.74)
// clang-format on

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include "api/status_error.h"
#include "common/api_error.h"
#include "common/mutex.h"
#include "http/content_encoding.h"
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
// Request bodies and replies up to this size are neither charged to the memory budget nor
// freed between requests: max_connections bounds what they add up to.
constexpr size_t kFreeBufferBytes = 64 * 1024;
// A refused upload is drained for at most this long or this many bytes.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kLingerBytes = 32 * 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

template <class Stream>
constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

auto Awaitable(error_code& ec) { return net::redirect_error(net::use_awaitable, ec); }

template <class Stream>
Stream MakeStream(Socket socket, Server::Impl& server) {
  if constexpr (kTls<Stream>) {
    return Stream(std::move(socket), *server.tls);
  } else {
    return socket;
  }
}

// A session's wait for Storage::WhenDurable. Without --sync (or when the point is durable
// meanwhile) storage completes inline, on the session's thread, before WhenDurable returns: the
// status is then taken at once, without a trip through the event loop. Otherwise the wal-sync
// thread's completion is posted to the session's strand, where it records the status and
// cancels a timer the session waits on. Everything the completion touches is in the shared
// DurableWait, so nothing depends on the coroutine frame's lifetime. (An earlier version that
// resumed the coroutine's handler from the posted completion freed a shared_ptr's control block
// twice under TSan: heap-use-after-free in test_persistence with --sync.)
struct DurableWait {
  explicit DurableWait(const Strand& executor) : executor(executor), timer(executor) {
    timer.expires_at(net::steady_timer::time_point::max());
  }
  const Strand executor;
  net::steady_timer timer;  // touched on the strand only
  // Set on the strand, or inline (under mu, while in_call): not GUARDED_BY(mu), because the
  // strand's accesses need no lock (they run only once in_call is false).
  std::optional<Status> status;
  common::Mutex mu;
  bool in_call GUARDED_BY(mu) = true;  // storage.WhenDurable has not returned yet
};

net::awaitable<Status> WhenDurable(storage::Storage& storage, storage::DurablePoint point,
                                   Strand executor) {
  auto wait = std::make_shared<DurableWait>(executor);
  storage.WhenDurable(point, [wait](Status s) {
    {
      common::MutexLock lock(&wait->mu);
      if (wait->in_call) {  // inline, or the wal-sync thread before WhenDurable returned
        wait->status = std::move(s);
        return;
      }
    }
    net::post(wait->executor, [wait, s = std::move(s)]() mutable {
      wait->status = std::move(s);
      wait->timer.cancel();
    });
  });
  {
    common::MutexLock lock(&wait->mu);
    wait->in_call = false;
    if (wait->status) co_return *wait->status;
  }
  // On the strand from here: the posted completion runs only while this coroutine is suspended.
  while (!wait->status) {
    error_code ec;
    co_await wait->timer.async_wait(Awaitable(ec));
  }
  co_return *wait->status;
}

}  // namespace

template <class Stream>
Session<Stream>::Session(Server::Impl& server, Socket socket)
    : server_(server),
      stream_(MakeStream<Stream>(std::move(socket), server)),
      timer_(Tcp().get_executor()) {
  head_.reserve(512);
}

template <class Stream>
Session<Stream>::~Session() {
  ReleaseRequestMemory();
  ReleaseReplyMemory();
  server_.Unregister(this);
}

template <class Stream>
Socket& Session<Stream>::Tcp() {
  if constexpr (kTls<Stream>) {
    return stream_.next_layer();
  } else {
    return stream_;
  }
}

template <class Stream>
void Session<Stream>::Start(const std::shared_ptr<Session>& self) {
  const ServerOptions& options = self->server_.options;
  // A TLS handshake is part of the first request: it gets that request's time.
  self->SetDeadline(Clock::now() +
                    (kTls<Stream> ? std::min(options.request_timeout, options.io_timeout)
                                  : options.idle_timeout));
  net::co_spawn(self->Tcp().get_executor(), Loop(self), net::detached);
  net::co_spawn(self->Tcp().get_executor(), Watchdog(self), net::detached);
}

template <class Stream>
void Session<Stream>::OnServerStop() {
  if (idle_) Close();  // otherwise Serve() closes after the response in progress
}

template <class Stream>
void Session<Stream>::ForceClose() {
  Close();
}

template <class Stream>
void Session<Stream>::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ec;
  Tcp().shutdown(tcp::socket::shutdown_both, ec);
  Tcp().close(ec);
  timer_.cancel();
}

template <class Stream>
net::awaitable<void> Session<Stream>::Loop(std::shared_ptr<Session> self) {
  try {
    if constexpr (kTls<Stream>) {
      error_code ec;
      co_await self->stream_.async_handshake(net::ssl::stream_base::server, Awaitable(ec));
      if (ec) {
        // A plain-HTTP client, a scanner, a client that does not trust the certificate...
        spdlog::debug("TLS handshake failed: {}", ec.message());
        self->Close();
        co_return;
      }
    }
    co_await self->Serve();
  } catch (const std::exception& e) {
    spdlog::error("connection closed after an internal error: {}", e.what());
  }
  self->Close();
}

template <class Stream>
net::awaitable<void> Session<Stream>::Watchdog(std::shared_ptr<Session> self) {
  error_code ec;
  while (!self->closed_) {
    const Clock::time_point now = Clock::now();
    if (now >= self->deadline_) {
      self->Close();  // the pending read or write completes with operation_aborted
      break;
    }
    self->timer_.expires_at(std::min(self->deadline_, now + self->server_.watchdog_horizon));
    co_await self->timer_.async_wait(Awaitable(ec));
  }
}

template <class Stream>
net::awaitable<void> Session<Stream>::Serve() {
  const ServerOptions& options = server_.options;
  while (!closed_) {
    RequestParser parser(&request_);
    parser.eager(true);
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    parser.set_budget(&server_.body_budget, kFreeBufferBytes, &request_charged_);
    if (!co_await ReadRequest(parser)) co_return;

    // The request is complete; from here until the response is written the session is busy and
    // a server stop waits for it. A stop during the operation makes this the last response.
    server_.router.Handle(request_, &reply_);
    ReleaseRequestMemory();
    // Not only after writes: a read may have seen another request's write that is still in
    // the WAL buffer, and must not answer before a kill -9 could no longer lose it.
    if (!server_.storage.IsDurable(reply_.durable_at)) co_await AwaitDurable();
    const bool keep_alive = parser.keep_alive() && !server_.stopping.load();
    const bool head = request_.method == bhttp::verb::head;
    const std::string_view body = EncodeReply();
    if (!co_await Write(reply_.status, reply_.content_type, body, keep_alive, reply_.extra_headers,
                        head, reply_.request_id)) {
      co_return;
    }
    ReleaseReplyMemory();
    if (!keep_alive) {
      error_code ec;
      Tcp().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

template <class Stream>
net::awaitable<void> Session<Stream>::AwaitDurable() {
  const storage::DurablePoint point = reply_.durable_at;
  // Requests that arrived together are handled one after the other by the handlers of one
  // event-loop iteration. Re-queueing at the back (the strand re-posts to the io_context) lets
  // the others run their operations first; the first to resume writes the WAL for all of them
  // (with --sync: their waiters join one fsync group), and the rest find their point durable
  // and only pay an atomic load.
  // A lone connection has nobody to share the flush with: yielding would only add a poll.
  if (server_.session_count.load(std::memory_order_relaxed) > 1) {
    co_await net::post(Tcp().get_executor(), net::use_awaitable);
    if (server_.storage.IsDurable(point)) co_return;
  }
  const Status s = co_await WhenDurable(server_.storage, point, Tcp().get_executor());
  if (s.ok()) co_return;
  // The writes are not durable: no answer that may have seen them goes out. A full disk or a
  // write error storage is recovering from is a retryable 503 (api/status_error.h).
  spdlog::error("request {}: cannot flush the write-ahead log: {}", reply_.request_id,
                s.ToString());
  const ApiError error = api::StatusError(s);
  reply_.status = error.http_status();
  if (reply_.content_type.empty()) reply_.content_type = kAmzJson;
  reply_.body = ErrorBody(error);
}

template <class Stream>
net::awaitable<bool> Session<Stream>::ReadRequest(RequestParser& parser) {
  const ServerOptions& options = server_.options;
  error_code ec;
  bool sent_continue = false;
  bool checked_head = false;
  idle_ = buffer_.size() == 0;
  // A pipelined request whose first bytes are already buffered starts now.
  Clock::time_point request_deadline =
      idle_ ? Clock::time_point::max() : Clock::now() + options.request_timeout;
  while (!parser.is_done()) {
    if (buffer_.size() > 0) {
      idle_ = false;
      const size_t n = parser.put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == bhttp::error::need_more) {
        ec = {};
      } else if (ec == bhttp::error::body_limit) {
        // Content-Length over the limit or over the memory budget (found before any body byte
        // is read), or a chunked body that grew past either.
        version_ = request_.version;
        if (parser.throttled()) server_.NoteShed();
        const ApiError error =
            parser.throttled()
                ? ApiError::Throttling(std::string(kThrottledMessage))
                : ApiError::RequestEntityTooLarge("Request payload size exceeds the limit");
        ReleaseRequestMemory();
        if (co_await Write(error.http_status(), kAmzJson, ErrorBody(error), false)) {
          co_await LingeringClose();
        }
        co_return false;
      } else if (ec) {
        // Garbage, an oversized header, a bad chunk...: DynamoDB's front end answers a bare
        // 400 and drops the connection.
        version_ = 11;
        if (co_await Write(ec == bhttp::error::header_limit ? 431 : 400, {}, {}, false)) {
          co_await LingeringClose();  // the rest of an oversized header may still be coming
        }
        co_return false;
      } else if (parser.is_done()) {
        break;
      } else if (n > 0 && buffer_.size() > 0) {
        continue;
      }
    }
    if (parser.is_header_done() && !checked_head) {
      // What can be refused on the head alone (a Host or Origin not allowed; with
      // --credentials a missing, malformed, stale or unknown signature) is refused before the
      // body is read: an unauthenticated client cannot make the server hold 16 MB bodies.
      checked_head = true;
      if (server_.router.RefuseBeforeBody(request_, &reply_)) {
        version_ = request_.version;
        ReleaseRequestMemory();
        if (co_await Write(reply_.status, reply_.content_type, reply_.body, false,
                           reply_.extra_headers)) {
          co_await LingeringClose();
        }
        co_return false;
      }
    }
    if (parser.is_header_done() && request_.expect_continue && !sent_continue) {
      // curl and the AWS CLI wait (about a second) for this before sending a large body.
      sent_continue = true;
      SetDeadline(std::min(request_deadline, Clock::now() + options.io_timeout));
      co_await net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                                Awaitable(ec));
      if (ec) co_return false;
    }
    if (idle_ && server_.stopping.load()) co_return false;
    const Clock::time_point now = Clock::now();
    SetDeadline(idle_ ? now + options.idle_timeout
                      : std::min(request_deadline, now + options.io_timeout));
    const size_t want = parser.is_header_done() ? kBodyReadSize : kHeaderReadSize;
    const size_t n = co_await stream_.async_read_some(buffer_.prepare(want), Awaitable(ec));
    if (ec) co_return false;  // EOF between requests is the normal end of a connection
    buffer_.commit(n);
    if (idle_) request_deadline = Clock::now() + options.request_timeout;  // its first byte
  }
  idle_ = false;
  version_ = request_.version;
  co_return true;
}

template <class Stream>
std::string_view Session<Stream>::EncodeReply() {
  std::string_view body = reply_.body;
  if (body.size() >= kMinCompressedResponseBytes && !request_.accept_encoding.empty()) {
    const ResponseEncoding encoding = ChooseResponseEncoding(request_.accept_encoding);
    if (encoding != ResponseEncoding::kIdentity) {
      CompressBody(encoding, body, &compressed_);
      reply_.extra_headers.append("Content-Encoding: ");
      reply_.extra_headers.append(EncodingName(encoding));
      reply_.extra_headers.append("\r\n");
      body = compressed_;
    }
  }
  // A large reply is memory spent until the client has read it; while it is, it keeps other
  // large bodies out.
  if (reply_.body.capacity() > kFreeBufferBytes || compressed_.capacity() > kFreeBufferBytes) {
    reply_charged_ = reply_.body.capacity() + compressed_.capacity();
    server_.body_budget.ForceAcquire(reply_charged_);
  }
  return body;
}

template <class Stream>
void Session<Stream>::ReleaseRequestMemory() {
  if (request_.body.capacity() > kFreeBufferBytes) {
    server_.NoteFreed(request_.body.capacity());
    std::string().swap(request_.body);
  }
  if (request_charged_ > 0) {
    server_.body_budget.Release(request_charged_);
    request_charged_ = 0;
  }
}

template <class Stream>
void Session<Stream>::ReleaseReplyMemory() {
  for (std::string* buffer : {&reply_.body, &compressed_}) {
    if (buffer->capacity() > kFreeBufferBytes) {
      server_.NoteFreed(buffer->capacity());
      std::string().swap(*buffer);
    }
  }
  if (reply_charged_ > 0) {
    server_.body_budget.Release(reply_charged_);
    reply_charged_ = 0;
  }
}

template <class Stream>
net::awaitable<bool> Session<Stream>::Write(int status, std::string_view content_type,
                                            std::string_view body, bool keep_alive,
                                            std::string_view extra_headers, bool head_only,
                                            std::string_view request_id) {
  ConnectionHeader connection = ConnectionHeader::kNone;
  if (!keep_alive) {
    connection = ConnectionHeader::kClose;
  } else if (version_ == 10) {
    connection = ConnectionHeader::kKeepAlive;
  }
  head_.clear();
  AppendResponseHead(&head_, status, content_type, body, connection, extra_headers, request_id);
  SetDeadline(Clock::now() + server_.options.io_timeout);
  error_code ec;
  const std::array<net::const_buffer, 2> buffers = {
      net::buffer(head_.data(), head_.size()),
      head_only ? net::const_buffer() : net::buffer(body.data(), body.size())};
  co_await net::async_write(stream_, buffers, Awaitable(ec));
  co_return !ec;
}

template <class Stream>
net::awaitable<void> Session<Stream>::LingeringClose() {
  error_code ec;
  Tcp().shutdown(tcp::socket::shutdown_send, ec);
  // Shorten the deadline; re-arming the timer wakes the watchdog, which re-arms at the new time.
  deadline_ = Clock::now() + kLingerTime;
  timer_.expires_at(deadline_);
  // Under TLS the bytes are dropped undecrypted: the stream is not used again.
  size_t drained = 0;
  while (!closed_ && drained < kLingerBytes) {
    buffer_.clear();
    const size_t n = co_await Tcp().async_read_some(buffer_.prepare(kBodyReadSize), Awaitable(ec));
    if (ec) break;
    drained += n;
  }
  buffer_.clear();
}

template class Session<Socket>;
template class Session<TlsStream>;

}  // namespace tideline::http
