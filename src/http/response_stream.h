// An answer sent piece by piece (server-sent events) instead of returned whole: the model
// proxy's streamed chat completions. The server gives every request one (RequestContext::stream);
// a handler that calls begin() owns the answer from then on, and the Response it returns
// afterwards is only what the request observer and access log see (its status).
//
// The body goes out with chunked transfer encoding, each write() one chunk, each with the
// server's write deadline. While a stream is open the server watches the connection: a client
// that closes it is noticed at once, even while the handler waits on something else (an
// upstream), and onClientGone's callback runs, so the handler can cancel that wait.
// The connection is kept alive only after finish(); a stream left unfinished closes it.
// Threading: used only on the request's I/O thread, by its coroutine.
#pragma once

#include <functional>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "http/response.h"

namespace aisafe::http {

class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  // Sends `head`'s status line and fields (its body is ignored; Content-Length is replaced by
  // Transfer-Encoding: chunked). Once per request. False when the client has gone.
  virtual boost::asio::awaitable<bool> begin(Response head) = 0;
  // Sends `data` as one chunk; nothing for empty data. False when the client has gone or the
  // write missed its deadline: stop producing then.
  virtual boost::asio::awaitable<bool> write(std::string_view data) = 0;
  // The last chunk: the answer is complete.
  virtual boost::asio::awaitable<bool> finish() = 0;

  virtual bool started() const = 0;
  virtual bool finished() const = 0;
  virtual bool clientGone() const = 0;
  // `callback` runs once, on the I/O thread, when the client goes away while the stream is open.
  virtual void onClientGone(std::function<void()> callback) = 0;
};

}  // namespace aisafe::http
