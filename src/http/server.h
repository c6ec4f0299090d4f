// The HTTP/1.1 server: Boost.Beast over Asio, one io_context per I/O thread (connections stay
// on the thread that accepted them, so per-thread state like vectorscan scratch needs no locks),
// C++20 coroutines per connection, keep-alive. Limits answer clearly: body size 413, header
// size 431, slow request 408, too many connections 503; anything the parser rejects is a 400.
// Every response carries X-Request-ID. Routes marked blocking run on a separate thread pool;
// routes marked credential on a lane of credential_threads threads that admits at most
// credential_queue more requests waiting, and answers 503 busy (Retry-After) past that. A
// handler's blocking remote call goes to the outbound lane (RequestContext::offload):
// outbound_threads threads that wait on remote services, with outbound_queue more calls waiting;
// past that the handler answers without the service.
// stop() stops accepting, lets in-flight requests finish (up to a grace period), then returns.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/middleware.h"
#include "http/router.h"

namespace aisafe::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  // 0: any free port (see Server::port())
  unsigned threads = 1;
  unsigned blocking_threads = 4;
  unsigned credential_threads = 2;
  std::size_t credential_queue = 32;
  unsigned outbound_threads = 1;  // each waits on a remote call for at most its timeout
  std::size_t outbound_queue = 256;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  // More header fields get 431, as in nginx and Apache: thousands of tiny fields fit in
  // max_header_bytes and each costs a lookup in every handler that reads a header.
  std::size_t max_header_fields = 100;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 10'000;
  std::chrono::milliseconds shutdown_grace{10'000};
  // Send the answers computed in one round of a thread's event loop after that round instead of
  // each as soon as it is ready (decision 0013): more requests per second under load, at most
  // one round's compute time of extra latency.
  bool batch_writes = true;
};

// Called once per finished request (metrics, access log).
using RequestObserver = std::function<void(const RequestContext&, const Request*, unsigned status)>;

class Server {
 public:
  Server(ServerOptions options, Router router, MiddlewareChain chain);
  ~Server();

  // Binds and listens; the port is known afterwards.
  aisafe::Status listen();
  std::uint16_t port() const;

  // Starts the I/O threads and returns.
  void start();
  // Stops accepting, waits for in-flight requests (bounded by shutdown_grace), then stops and
  // joins the threads. Call from a thread that is not one of the server's (e.g. main).
  void stop();

  // Count of open connections and of requests being handled (for metrics).
  std::size_t openConnections() const;
  std::size_t activeRequests() const;

  void setObserver(RequestObserver observer);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aisafe::http
