// The listener, the thread pool and graceful shutdown. Everything that touches the acceptor or
// the drain timer runs on the `control` strand; each connection runs on a strand of its own.

// clang-format off
#include <utility>  // must precede Asio's awaitable headers (GCC 12, Boost 1.74)
// clang-format on

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/server_internal.h"

namespace tideline::http {

using boost::system::error_code;

namespace {
// By default half the hardware threads: writes serialise on the commit lock, RocksDB's flushes
// and compactions need a core, and on a 2-core machine one HTTP thread serves PutItem 45% faster
// than two (fewer lock hand-offs and context switches) and GetItem as fast (bench/run.sh).
unsigned ThreadCount(unsigned requested) {
  if (requested) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return std::max(1u, hw / 2);
}
}  // namespace

Server::Impl::Impl(api::Context& ctx, ServerOptions opts)
    : options(std::move(opts)),
      router(ctx, options.lookup),
      storage(ctx.storage),
      ioc(static_cast<int>(ThreadCount(options.threads))),
      control(net::make_strand(ioc)),
      acceptor(ioc),
      drain_timer(control),
      accept_backoff(control) {}

net::awaitable<void> Server::Impl::Accept() {
  for (;;) {
    error_code ec;
    Socket socket = co_await acceptor.async_accept(net::make_strand(ioc),
                                                   net::redirect_error(net::use_awaitable, ec));
    if (stopping.load() || ec == net::error::operation_aborted) {
      socket.close(ec);
      co_return;
    }
    if (ec) {
      // Out of file descriptors and the like: back off instead of spinning on the error.
      spdlog::warn("accept failed: {}", ec.message());
      accept_backoff.expires_after(std::chrono::milliseconds(100));
      co_await accept_backoff.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<Session>(*this, std::move(socket));
    Register(session);
    Session::Start(session);
  }
}

void Server::Impl::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.emplace(session.get(), session);
  session_count.store(sessions.size());
}

void Server::Impl::Unregister(Session* session) {
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    sessions.erase(session);
    session_count.store(sessions.size());
    last = sessions.empty();
  }
  if (last && stopping.load()) net::post(control, [this] { MaybeFinishDrain(); });
}

void Server::Impl::BeginShutdown() {
  error_code ec;
  acceptor.close(ec);
  accept_backoff.cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  if (live.empty()) return;
  for (auto& session : live) {
    net::post(session->get_executor(), [session] { session->OnServerStop(); });
  }
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([this](error_code ec) {
    if (ec) return;  // cancelled: every connection finished in time
    std::vector<std::shared_ptr<Session>> stuck;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (auto& [ptr, weak] : sessions) {
        if (auto session = weak.lock()) stuck.push_back(std::move(session));
      }
    }
    if (!stuck.empty()) {
      spdlog::warn("closing {} connection(s) still busy after the drain timeout", stuck.size());
    }
    for (auto& session : stuck) {
      net::post(session->get_executor(), [session] { session->ForceClose(); });
    }
  });
}

void Server::Impl::MaybeFinishDrain() {
  std::lock_guard<std::mutex> lock(mu);
  if (sessions.empty()) drain_timer.cancel();
}

Server::Server(api::Context& ctx, ServerOptions options)
    : impl_(std::make_unique<Impl>(ctx, std::move(options))) {}

Server::~Server() {
  Stop();
  Wait();
}

Status Server::Start() {
  Impl& s = *impl_;
  if (s.stopping.load()) return Status::InvalidArgument("server already stopped");
  if (s.started.exchange(true)) return Status::InvalidArgument("server already started");
  error_code ec;
  tcp::resolver resolver(s.ioc);
  auto results = resolver.resolve(s.options.host, std::to_string(s.options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve host '" + s.options.host +
                                   "': " + (ec ? ec.message() : "no address"));
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    s.acceptor.close(ignored);
    return Status::IOError("cannot listen on " + where + ": " + ec.message());
  }
  s.bound_port = s.acceptor.local_endpoint(ec).port();

  net::co_spawn(s.control, s.Accept(), net::detached);
  const unsigned n = ThreadCount(s.options.threads);
  s.threads.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    s.threads.emplace_back([&s] {
      for (;;) {
        try {
          s.ioc.run();
          return;
        } catch (const std::exception& e) {
          // Handlers catch their own errors; this is a last resort that keeps the thread serving.
          spdlog::error("http worker: unexpected exception: {}", e.what());
        }
      }
    });
  }
  return Status::OK();
}

uint16_t Server::port() const { return impl_->bound_port; }

void Server::Stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  if (!s.started.load()) return;
  net::post(s.control, [&s] { s.BeginShutdown(); });
}

void Server::Wait() {
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
}

}  // namespace tideline::http
