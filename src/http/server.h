#pragma once
// The HTTP/1.1 server: one io_context run by N threads, one strand per connection, keep-alive,
// timeouts and the 16 MB request limit, over plain TCP or TLS. Each request is handled
// synchronously on its connection's strand (operations are fast; there is no thread hop).
//
// Limits that keep hostile or broken clients from exhausting the process (docs/http-limits.md):
// a connection count (connections past it are answered ThrottlingException and closed), a
// budget of request-body memory shared by all connections (a large body that does not fit is
// refused with ThrottlingException), and a deadline for each request from its first byte.
//
// Life cycle (main.cc):
//   http::Server server(ctx, options);
//   Status s = server.Start();   // bind + listen + start the threads; error if the bind fails
//   ... wait for SIGINT/SIGTERM ...
//   server.Stop();               // stop accepting; close idle connections; let in-flight
//                                // requests finish (their responses say Connection: close)
//   server.Wait();               // returns once every connection is gone and the threads joined
// Connections still busy after drain_timeout are closed by force. The destructor does
// Stop() + Wait().

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/context.h"
#include "common/status.h"
#include "http/dispatcher.h"

namespace tideline::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0 = any free port (see Server::port())
  unsigned threads = 0;  // 0 = half of std::thread::hardware_concurrency(), at least 1
  // DynamoDB's request size limit. A larger Content-Length is refused with 413 before any of the
  // body is read; a chunked body is cut off at the limit.
  size_t max_body_bytes = 16 * 1024 * 1024;
  // The request line and headers together. AWS does not document DynamoDB's figure.
  size_t max_header_bytes = 16 * 1024;
  // A keep-alive connection with no request in progress is closed after this.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // A request must have arrived whole, headers and body, within this time of its first byte, or
  // its connection is closed: a client sending a byte now and then cannot hold a connection
  // (and its buffered body) for long.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // A request being received, or a response being sent, that makes no progress for this long
  // has its connection closed (a response must be sent whole within it).
  std::chrono::milliseconds io_timeout{std::chrono::seconds(30)};
  // Connections served at once; more are answered ThrottlingException and closed.
  size_t max_connections = 1024;
  // Memory for request bodies (and large responses) held at once by all connections together.
  // Bodies up to 64 KB per connection are not counted (max_connections bounds them).
  size_t max_request_memory = 256 * 1024 * 1024;
  // PEM files of the certificate chain and private key: when both are set, the server speaks
  // HTTPS only (TLS 1.2 or later).
  std::string tls_cert_file;
  std::string tls_key_file;
  // How long Stop() lets in-flight requests finish before closing their connections.
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};
  // Operation table; tests substitute their own.
  OperationLookup lookup = &api::FindOperation;
};

class Server {
 public:
  // `ctx` must outlive the server.
  Server(api::Context& ctx, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate and key, resolves host, binds, listens and starts the threads.
  // Returns a non-OK status (and starts nothing) if the certificate or key cannot be used or the
  // address cannot be resolved or bound. Call once, before any Stop().
  Status Start();
  // The bound port (after a successful Start()).
  uint16_t port() const;
  // Begins a graceful shutdown. Thread-safe, idempotent, does not block.
  void Stop();
  // Blocks until the server has stopped and its threads have exited.
  void Wait();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tideline::http
