// A tiny HTTP receiver for webhook tests: listens on 127.0.0.1, records every request (method,
// target, headers, body) and answers each with the next status of a script (then 200).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aisafe::testsupport {

struct ReceivedRequest {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// Reads one request from a blocking socket (headers, then Content-Length bytes of body); false
// on a broken or closed connection.
bool readHttpRequest(int fd, ReceivedRequest& out);

// A listening socket on 127.0.0.1 and a free port (written to `port`).
int listenOnLoopback(int backlog, int& port);

class HttpReceiver {
 public:
  HttpReceiver();
  ~HttpReceiver();
  int port() const { return port_; }
  // The statuses of the next answers, in order; after them every answer is 200.
  void answerWith(std::vector<int> statuses);
  std::vector<ReceivedRequest> received() const;
  // Waits until at least `n` requests arrived (false at the deadline).
  bool waitFor(std::size_t n, std::chrono::milliseconds deadline) const;

 private:
  void serve();
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::deque<int> script_;
  std::vector<ReceivedRequest> received_;
  std::thread thread_;
};

}  // namespace aisafe::testsupport
