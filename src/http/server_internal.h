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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/request_parser.h"
#include "http/router.h"
#include "http/server.h"

namespace tideline::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;
using Socket = net::basic_stream_socket<tcp, Strand>;
using Clock = std::chrono::steady_clock;

class Session;

struct Server::Impl {
  Impl(api::Context& ctx, ServerOptions options);

  net::awaitable<void> Accept();
  void Register(const std::shared_ptr<Session>& session);
  void Unregister(Session* session);
  // Runs on `control`: closes the acceptor and tells every session to wind down.
  void BeginShutdown();
  // Runs on `control`: cancels the drain timer once no session is left.
  void MaybeFinishDrain();

  const ServerOptions options;
  const Router router;
  storage::Storage& storage;  // sessions make its writes durable before answering
  net::io_context ioc;
  Strand control;  // serializes the acceptor, the drain timer and shutdown
  tcp::acceptor acceptor;
  net::steady_timer drain_timer;
  net::steady_timer accept_backoff;
  std::vector<std::thread> threads;
  uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};

  std::mutex mu;  // guards sessions
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::atomic<size_t> session_count{0};  // sessions.size(), read without the lock
};

// One connection. Its coroutines (the request loop and the timeout watchdog) run on the
// socket's strand, so the members need no locks. Owned by the coroutine frames that hold it.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Server::Impl& server, Socket socket);
  ~Session();  // unregisters from the server

  // Spawns the request loop and the watchdog.
  static void Start(const std::shared_ptr<Session>& self);
  // Posted by Server::Stop: close now if between requests; otherwise finish the request in
  // progress and close after its response.
  void OnServerStop();
  // Posted when the drain timeout expires.
  void ForceClose();
  Strand get_executor() { return socket_.get_executor(); }

 private:
  static net::awaitable<void> Loop(std::shared_ptr<Session> self);
  static net::awaitable<void> Watchdog(std::shared_ptr<Session> self);
  net::awaitable<void> Serve();
  // Group commit: yields behind the handlers already queued, then flushes the WAL. Replaces
  // the reply with a 500 if the flush fails.
  net::awaitable<void> MakeDurable();
  // Reads until `parser` has a complete request. Returns false when the connection must end
  // (the error reply, if any, has been sent).
  net::awaitable<bool> ReadRequest(RequestParser& parser);
  net::awaitable<bool> Write(int status, std::string_view content_type, std::string_view body,
                             bool keep_alive, std::string_view extra_headers = {},
                             bool head_only = false);
  // After refusing a request whose body is still arriving: stop sending, then read and drop
  // what the client still sends for a while, so that it sees our reply instead of a reset.
  net::awaitable<void> LingeringClose();
  void Touch(std::chrono::milliseconds timeout) { deadline_ = Clock::now() + timeout; }
  void Close();

  Server::Impl& server_;
  Socket socket_;
  net::steady_timer timer_;
  Clock::time_point deadline_;
  bool closed_ = false;
  bool idle_ = true;  // waiting for the first byte of a request
  int version_ = 11;
  boost::beast::flat_buffer buffer_;
  Request request_;
  Reply reply_;
  std::string head_;
};

}  // namespace tideline::http
