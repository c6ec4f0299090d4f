#include "support/redis_server.h"

#include <chrono>
#include <thread>

#include <boost/asio.hpp>
#include <signal.h>

#include "support/free_port.h"

namespace aisafe::testsupport {
namespace {

bool answersPing(int port) {
  namespace asio = boost::asio;
  try {
    asio::io_context ioc;
    asio::ip::tcp::socket s(ioc);
    s.connect({asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port)});
    asio::write(s, asio::buffer(std::string("PING\r\n")));
    std::string reply(7, '\0');
    asio::read(s, asio::buffer(reply));
    return reply == "+PONG\r\n";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::unique_ptr<RedisServer> RedisServer::start(std::string& error) {
  std::unique_ptr<RedisServer> server(new RedisServer(TempDir("aisafe-redis"), freePort()));
  if (!server->launch(error)) return nullptr;
  return server;
}

bool RedisServer::launch(std::string& error) {
  process_ =
      ChildProcess::spawn({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                           "--save", "", "--appendonly", "no", "--dir", dir_.path()},
                          {}, dir_.path() + "/redis.log", error);
  if (!process_) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (answersPing(port_)) return true;
    if (!process_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error = "redis-server did not answer PING on port " + std::to_string(port_);
  return false;
}

RedisServer::~RedisServer() {
  if (process_) {
    process_->signal(SIGCONT);
    process_->kill();
  }
}

void RedisServer::freeze() { process_->signal(SIGSTOP); }
void RedisServer::thaw() { process_->signal(SIGCONT); }
void RedisServer::kill() {
  process_->signal(SIGCONT);
  process_->kill();
}

bool RedisServer::restart(std::string& error) {
  kill();
  return launch(error);
}

}  // namespace aisafe::testsupport
