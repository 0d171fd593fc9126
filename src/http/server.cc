// The listener, the thread pool, TLS set-up, connection limits, memory release and graceful
// shutdown. Everything that touches the acceptor or the drain and trim timers runs on the
// `control` strand; each connection runs on a strand of its own.

// clang-format off
#include <utility>  // must precede Asio's awaitable headers (GCC 12, Boost 1.74)
// clang-format on

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "http/dispatcher.h"
#include "http/memory_release.h"
#include "http/server_internal.h"
#include "http/wire.h"

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

// Connections over max_connections being answered at once; past this they are closed unanswered.
constexpr size_t kMaxRefusing = 64;
// How long such a connection may take to send its request and read the answer.
constexpr std::chrono::seconds kRefuseTime{1};
// Freed memory is given back to the system this much at a time, so that each step holds the
// allocator (and the control strand) for a few milliseconds only.
constexpr size_t kReleaseStep = 64 * 1024 * 1024;
constexpr size_t kReleaseMin = 1024 * 1024;

auto Awaitable(error_code& ec) { return net::redirect_error(net::use_awaitable, ec); }

Clock::duration ShortestTimeout(const ServerOptions& o) {
  return std::max<Clock::duration>(std::min({o.idle_timeout, o.request_timeout, o.io_timeout}),
                                   std::chrono::milliseconds(1));
}

}  // namespace

Server::Impl::Impl(api::Context& ctx, ServerOptions opts)
    : options(std::move(opts)),
      watchdog_horizon(ShortestTimeout(options)),
      router(ctx, options.lookup),
      storage(ctx.storage),
      body_budget(options.max_request_memory),
      ioc(static_cast<int>(ThreadCount(options.threads))),
      control(net::make_strand(ioc)),
      acceptor(ioc),
      drain_timer(control),
      accept_backoff(control),
      trim_timer(control) {}

Status Server::Impl::LoadTls() {
  const std::string& cert = options.tls_cert_file;
  const std::string& key = options.tls_key_file;
  if (cert.empty() && key.empty()) return Status::OK();
  if (cert.empty() || key.empty()) {
    return Status::InvalidArgument("a TLS certificate and a TLS key must be given together");
  }
  for (const std::string* file : {&cert, &key}) {
    std::ifstream in(*file);
    if (!in) return Status::InvalidArgument("cannot read " + *file + ": " + std::strerror(errno));
  }
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  // TLS 1.2 and later, as AWS's endpoints require.
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::single_dh_use);
  error_code ec;
  context->use_certificate_chain_file(cert, ec);
  if (ec) {
    return Status::InvalidArgument("cannot use " + cert +
                                   " as a TLS certificate chain (PEM): " + ec.message());
  }
  context->use_private_key_file(key, net::ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    return Status::InvalidArgument("the TLS key " + key + " does not match the certificate " +
                                   cert);
  }
  if (ec) {
    return Status::InvalidArgument("cannot use " + key + " as the private key of " + cert +
                                   " (PEM): " + ec.message());
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Status::InvalidArgument("the TLS key " + key + " does not match the certificate " +
                                   cert);
  }
  tls = std::move(context);
  return Status::OK();
}

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
    if (session_count.load(std::memory_order_relaxed) >= options.max_connections) {
      NoteShed();
      if (tls || refusing.load() >= kMaxRefusing) {
        socket.close(ec);  // a TLS client would need a handshake first: closing is quicker
        continue;
      }
      ++refusing;
      const auto executor = socket.get_executor();
      net::co_spawn(executor, Refuse(std::move(socket)), net::detached);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (tls) {
      auto session = std::make_shared<Session<TlsStream>>(*this, std::move(socket));
      Register(session);
      Session<TlsStream>::Start(session);
    } else {
      auto session = std::make_shared<Session<Socket>>(*this, std::move(socket));
      Register(session);
      Session<Socket>::Start(session);
    }
  }
}

net::awaitable<void> Server::Impl::Refuse(Socket socket) {
  // The answer goes out at once, before the request is read: the client reads it after sending
  // its request. Then what it sends is drained (so that closing does not reset the connection
  // under the answer) until it closes or kRefuseTime passes.
  error_code ec;
  net::steady_timer timer(socket.get_executor());
  timer.expires_after(kRefuseTime);
  timer.async_wait([&socket](error_code ec) {
    if (!ec) socket.close(ec);
  });
  const ApiError error = ApiError::Throttling(std::string(kThrottledMessage));
  const std::string body = ErrorBody(error);
  std::string head;
  AppendResponseHead(&head, error.http_status(), kAmzJson, body, ConnectionHeader::kClose);
  const std::array<net::const_buffer, 2> buffers = {net::buffer(head), net::buffer(body)};
  co_await net::async_write(socket, buffers, Awaitable(ec));
  if (!ec) {
    socket.shutdown(tcp::socket::shutdown_send, ec);
    std::array<char, 4096> sink;
    while (!ec) co_await socket.async_read_some(net::buffer(sink), Awaitable(ec));
  }
  timer.cancel();
  socket.close(ec);
  --refusing;
}

void Server::Impl::NoteShed() {
  shed.fetch_add(1, std::memory_order_relaxed);
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
  int64_t last = shed_logged_at.load(std::memory_order_relaxed);
  if (now > last && shed_logged_at.compare_exchange_strong(last, now)) {
    spdlog::warn(
        "shedding load: answered {} request(s) or connection(s) with ThrottlingException "
        "(limits: {} connections, {} MiB of request memory)",
        shed.exchange(0), options.max_connections, options.max_request_memory >> 20);
  }
}

void Server::Impl::ScheduleTrim() {
  const bool pending = freed_bytes.load(std::memory_order_relaxed) >= kReleaseMin;
  trim_timer.expires_after(pending ? std::chrono::milliseconds(100) : std::chrono::seconds(1));
  trim_timer.async_wait([this](error_code ec) {
    if (ec || stopping.load()) return;
    const size_t freed = freed_bytes.load(std::memory_order_relaxed);
    if (freed >= kReleaseMin) {
      const size_t step = std::min(freed, kReleaseStep);
      freed_bytes.fetch_sub(step, std::memory_order_relaxed);
      ReleaseFreeMemory(step);
    }
    ScheduleTrim();
  });
}

void Server::Impl::Register(const std::shared_ptr<SessionBase>& session) {
  common::MutexLock lock(&mu);
  sessions.emplace(session.get(), session);
  session_count.store(sessions.size());
}

void Server::Impl::Unregister(SessionBase* session) {
  bool last = false;
  {
    common::MutexLock lock(&mu);
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
  trim_timer.cancel();
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    common::MutexLock lock(&mu);
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
    std::vector<std::shared_ptr<SessionBase>> stuck;
    {
      common::MutexLock lock(&mu);
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
  common::MutexLock lock(&mu);
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
  if (Status status = s.LoadTls(); !status.ok()) return status;
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
  if (!s.tls && !endpoint.address().is_loopback()) {
    spdlog::warn(
        "listening on {} without TLS: requests, responses and signatures cross the network in "
        "clear text (serve HTTPS with --tls-cert and --tls-key)",
        where);
  }

  net::co_spawn(s.control, s.Accept(), net::detached);
  net::post(s.control, [&s] { s.ScheduleTrim(); });
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
