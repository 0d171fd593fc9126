#pragma once
// Internals shared by server.cc (listener, threads, shutdown) and session.cc (one connection).
// Not for use outside src/http.

// clang-format off
#include <utility>  // must precede Asio's awaitable headers (GCC 12, Boost 1.74)
// clang-format on

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/api_error.h"
#include "common/mutex.h"
#include "http/memory_budget.h"
#include "http/request_parser.h"
#include "http/router.h"
#include "http/server.h"

namespace tideline::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;
using Socket = net::basic_stream_socket<tcp, Strand>;
using TlsStream = net::ssl::stream<Socket>;
using Clock = std::chrono::steady_clock;

// The message of DynamoDB's ThrottlingException when the service itself is protecting its
// capacity (as seen on its control-plane operations); load shedding sends it too.
inline constexpr std::string_view kThrottledMessage =
    "Rate of requests exceeds the allowed throughput.";

// What the server needs of a connection, whatever its stream. Called only at shutdown, so the
// virtual calls cost nothing per request.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Posted by Server::Stop: close now if between requests; otherwise finish the request in
  // progress and close after its response.
  virtual void OnServerStop() = 0;
  // Posted when the drain timeout expires.
  virtual void ForceClose() = 0;
  virtual Strand get_executor() = 0;
};

struct Server::Impl {
  Impl(api::Context& ctx, ServerOptions options);

  // Builds the TLS context from the options' files; an error names the file and the problem.
  Status LoadTls();
  net::awaitable<void> Accept();
  // Answers a connection over max_connections with ThrottlingException and closes it.
  net::awaitable<void> Refuse(Socket socket);
  void Register(const std::shared_ptr<SessionBase>& session);
  void Unregister(SessionBase* session);
  // Runs on `control`: closes the acceptor and tells every session to wind down.
  void BeginShutdown();
  // Runs on `control`: cancels the drain timer once no session is left.
  void MaybeFinishDrain();
  // Runs on `control` every second: gives memory freed by large requests back to the system.
  void ScheduleTrim();
  // A session freed a buffer of `bytes`: the allocator's free pages are worth returning.
  void NoteFreed(size_t bytes) { freed_bytes.fetch_add(bytes, std::memory_order_relaxed); }
  // A request or connection was refused to shed load; logged at most once a second.
  void NoteShed();

  const ServerOptions options;
  // The longest a session's watchdog sleeps: its deadline can only move closer by a shorter
  // timeout than this, so it never sleeps past a deadline (see Session::Watchdog).
  const Clock::duration watchdog_horizon;
  const Router router;
  storage::Storage& storage;  // sessions await the Router's durable point before answering
  MemoryBudget body_budget;
  std::unique_ptr<net::ssl::context> tls;  // null: plain HTTP
  net::io_context ioc;
  Strand control;  // serializes the acceptor, the drain and trim timers and shutdown
  tcp::acceptor acceptor;
  net::steady_timer drain_timer;
  net::steady_timer accept_backoff;
  net::steady_timer trim_timer;
  std::vector<std::thread> threads;
  uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};
  std::atomic<size_t> freed_bytes{0};
  std::atomic<size_t> refusing{0};         // connections being answered by Refuse()
  std::atomic<size_t> shed{0};             // refusals not yet logged
  std::atomic<int64_t> shed_logged_at{0};  // steady-clock seconds of the last such log line

  common::Mutex mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions GUARDED_BY(mu);
  std::atomic<size_t> session_count{0};  // sessions.size(), read without the lock
};

// One connection over `Stream` (Socket or TlsStream). Its coroutines (the request loop and the
// timeout watchdog) run on the socket's strand, so the members need no locks. Owned by the
// coroutine frames that hold it. Defined in session.cc for the two streams.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& server, Socket socket);
  ~Session() override;  // gives back its share of the budget, unregisters from the server

  // Spawns the request loop and the watchdog.
  static void Start(const std::shared_ptr<Session>& self);
  void OnServerStop() override;
  void ForceClose() override;
  Strand get_executor() override { return Tcp().get_executor(); }

 private:
  static net::awaitable<void> Loop(std::shared_ptr<Session> self);
  static net::awaitable<void> Watchdog(std::shared_ptr<Session> self);
  Socket& Tcp();
  net::awaitable<void> Serve();
  // Waits until reply_.durable_at is durable, after yielding once behind the handlers already
  // queued (group commit). Replaces the reply with the storage error's if it cannot be made so.
  net::awaitable<void> AwaitDurable();
  // Reads until `parser` has a complete request. Returns false when the connection must end
  // (the error reply, if any, has been sent).
  net::awaitable<bool> ReadRequest(RequestParser& parser);
  // Compresses reply_.body into compressed_ when the client accepts it and it is large enough;
  // returns the bytes to send.
  std::string_view EncodeReply();
  net::awaitable<bool> Write(int status, std::string_view content_type, std::string_view body,
                             bool keep_alive, std::string_view extra_headers = {},
                             bool head_only = false, std::string_view request_id = {});
  // After refusing a request whose body is still arriving: stop sending, then read and drop
  // what the client still sends for a while, so that it sees our reply instead of a reset.
  net::awaitable<void> LingeringClose();
  // Frees a large request body / reply and gives back their share of the budget.
  void ReleaseRequestMemory();
  void ReleaseReplyMemory();
  // The session must be closed at `deadline`; the watchdog wakes at most watchdog_horizon
  // later than any earlier deadline, so the new one is never overslept.
  void SetDeadline(Clock::time_point deadline) { deadline_ = deadline; }
  void Close();

  Server::Impl& server_;
  Stream stream_;
  net::steady_timer timer_;
  Clock::time_point deadline_;
  bool closed_ = false;
  bool idle_ = true;  // waiting for the first byte of a request
  int version_ = 11;
  boost::beast::flat_buffer buffer_;
  Request request_;
  Reply reply_;
  std::string compressed_;  // reply_.body with the content coding the client asked for
  std::string head_;
  size_t request_charged_ = 0;  // bytes of body_budget held for request_.body
  size_t reply_charged_ = 0;    // bytes of body_budget held for reply_.body and compressed_
};

}  // namespace tideline::http
