// Splits a server-sent event stream (text/event-stream) into events as its bytes arrive, in
// pieces cut anywhere. An event's data is its "data:" lines joined by "\n"; other fields (event,
// id, retry) and comments are dropped, as OpenAI's streams use none of them. Bounded: an event
// larger than the limit is an error, so an upstream cannot make the proxy buffer without end.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace aisafe::proxy {

class SseReader {
 public:
  explicit SseReader(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

  // Adds received bytes. Errors: kInvalidArgument "event_too_large".
  Status feed(std::string_view bytes);
  // The next complete event's data, if one is complete (events without data are skipped).
  std::optional<std::string> next();

 private:
  std::size_t max_event_bytes_;
  std::string buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already returned as events
};

}  // namespace aisafe::proxy
