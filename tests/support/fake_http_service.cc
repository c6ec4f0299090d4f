#include "support/fake_http_service.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aisafe::testsupport {

struct FakeHttpService::Conn {
  explicit Conn(int f) : fd(f) {}
  ~Conn() { ::close(fd); }
  const int fd;
};

FakeHttpService::FakeHttpService(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = listenOnLoopback(128, port_);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

FakeHttpService::~FakeHttpService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stopped_.notify_all();
  acceptor_.join();
  dropConnections();
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
}

void FakeHttpService::setHandler(Handler handler) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
}

std::vector<ReceivedRequest> FakeHttpService::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

void FakeHttpService::dropConnections() {
  std::lock_guard lock(mu_);
  // shutdown() wakes the connection's thread blocked in recv(); it closes the descriptor.
  for (const auto& c : conns_) ::shutdown(c->fd, SHUT_RDWR);
  conns_.clear();
}

void FakeHttpService::acceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;  // wake up now and then to see stop_
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    ++accepted_;
    auto conn = std::make_shared<Conn>(fd);
    std::lock_guard lock(mu_);
    conns_.push_back(conn);
    threads_.emplace_back([this, conn] { serve(conn); });
  }
}

FakeReply FakeHttpService::answer(const ReceivedRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(mu_);
    received_.push_back(request);
    handler = handler_;
  }
  return handler(request);
}

void FakeHttpService::serve(const std::shared_ptr<Conn>& conn) {
  for (;;) {
    ReceivedRequest request;
    if (!readHttpRequest(conn->fd, request)) return;
    const FakeReply reply = answer(request);
    if (reply.hang || reply.delay.count() > 0) {
      std::unique_lock lock(mu_);
      const auto wait = reply.hang ? std::chrono::milliseconds(60'000) : reply.delay;
      if (stopped_.wait_for(lock, wait, [this] { return stop_.load(); })) return;
    }
    const bool close = reply.close || request.headers["connection"] == "close";
    const std::string res = "HTTP/1.1 " + std::to_string(reply.status) +
                            " X\r\nContent-Type: " + reply.content_type +
                            "\r\nContent-Length: " + std::to_string(reply.body.size()) +
                            (close ? "\r\nConnection: close" : "") + "\r\n\r\n" + reply.body;
    if (::send(conn->fd, res.data(), res.size(), MSG_NOSIGNAL) < 0 || close) {
      ::shutdown(conn->fd, SHUT_RDWR);
      return;
    }
  }
}

}  // namespace aisafe::testsupport
