// A scripted HTTP/1.1 service with keep-alive for tests of outbound calls (the semantic
// detector, connection pooling): each request is answered by a handler that picks the status,
// body and delay, or hangs, so tests can make the remote side slow, wrong or down. Listens on
// 127.0.0.1 on a free port; one thread per connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/http_receiver.h"

namespace aisafe::testsupport {

struct FakeReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};
  bool hang = false;   // never answer (until the service stops)
  bool close = false;  // close the connection after answering
};

class FakeHttpService {
 public:
  using Handler = std::function<FakeReply(const ReceivedRequest&)>;

  explicit FakeHttpService(Handler handler);
  ~FakeHttpService();
  FakeHttpService(const FakeHttpService&) = delete;
  FakeHttpService& operator=(const FakeHttpService&) = delete;

  int port() const { return port_; }
  void setHandler(Handler handler);
  std::vector<ReceivedRequest> received() const;
  std::size_t connectionsAccepted() const { return accepted_.load(); }
  // Closes every open connection, as a restarted service would: clients' idle connections die.
  void dropConnections();

 private:
  struct Conn;
  void acceptLoop();
  void serve(const std::shared_ptr<Conn>& conn);
  FakeReply answer(const ReceivedRequest& request);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> accepted_{0};
  mutable std::mutex mu_;
  std::condition_variable stopped_;
  Handler handler_;
  std::vector<ReceivedRequest> received_;
  std::vector<std::shared_ptr<Conn>> conns_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace aisafe::testsupport
