#include "support/http_receiver.h"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aisafe::testsupport {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool readHttpRequest(int fd, ReceivedRequest& out) {
  std::string data;
  char buf[4096];
  std::size_t head_end = std::string::npos;
  while (head_end == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data.append(buf, static_cast<std::size_t>(n));
    head_end = data.find("\r\n\r\n");
  }
  std::size_t line_end = data.find("\r\n");
  const std::string request_line = data.substr(0, line_end);
  const auto sp1 = request_line.find(' ');
  const auto sp2 = request_line.find(' ', sp1 + 1);
  out.method = request_line.substr(0, sp1);
  out.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t pos = line_end + 2;
  while (pos < head_end) {
    const std::size_t end = data.find("\r\n", pos);
    const std::string line = data.substr(pos, end - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      out.headers[lower(line.substr(0, colon))] = value;
    }
    pos = end + 2;
  }
  const std::size_t length =
      out.headers.count("content-length") ? std::stoul(out.headers["content-length"]) : 0;
  out.body = data.substr(head_end + 4);
  while (out.body.size() < length) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out.body.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

int listenOnLoopback(int backlog, int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(fd, backlog);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

HttpReceiver::HttpReceiver() {
  listen_fd_ = listenOnLoopback(64, port_);
  thread_ = std::thread([this] { serve(); });
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void HttpReceiver::answerWith(std::vector<int> statuses) {
  std::lock_guard lock(mu_);
  script_.assign(statuses.begin(), statuses.end());
}

std::vector<ReceivedRequest> HttpReceiver::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

bool HttpReceiver::waitFor(std::size_t n, std::chrono::milliseconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard lock(mu_);
      if (received_.size() >= n) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void HttpReceiver::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;  // wake up now and then to see stop_
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    ReceivedRequest req;
    if (readHttpRequest(fd, req)) {
      int status = 200;
      {
        std::lock_guard lock(mu_);
        if (!script_.empty()) {
          status = script_.front();
          script_.pop_front();
        }
        received_.push_back(std::move(req));
      }
      const std::string body = status < 300 ? "ok" : "not today";
      const std::string res = "HTTP/1.1 " + std::to_string(status) +
                              " X\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body;
      ::send(fd, res.data(), res.size(), MSG_NOSIGNAL);
    }
    ::close(fd);
  }
}

}  // namespace aisafe::testsupport
