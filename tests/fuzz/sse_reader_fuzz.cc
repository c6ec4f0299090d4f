// The proxy's server-sent event reader (proxy/sse_reader.h) on any bytes an upstream may send:
// no crash, bounded buffering, and the same events whether the stream arrives in one piece or
// cut anywhere, since a TCP stream is cut wherever the network likes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/sse_reader.h"

namespace {

constexpr std::size_t kMaxEventBytes = 4096;

// Every event the reader gives for `stream` fed in pieces of `piece` bytes; nullopt if it
// refused the stream (an event over the limit).
std::optional<std::vector<std::string>> eventsOf(std::string_view stream, std::size_t piece) {
  aisafe::proxy::SseReader reader(kMaxEventBytes);
  std::vector<std::string> events;
  for (std::size_t at = 0; at < stream.size(); at += piece) {
    if (!reader.feed(stream.substr(at, piece)).isOk()) {
      return std::nullopt;
    }
    while (auto event = reader.next()) {
      if (event->size() > kMaxEventBytes) {
        std::abort();  // the bound the reader promises
      }
      events.push_back(std::move(*event));
    }
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  // The first byte picks how the rest is cut.
  const std::size_t piece = 1 + data[0] % 17;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = eventsOf(stream, stream.size() + 1);
  const auto cut = eventsOf(stream, piece);
  if (whole && cut && *whole != *cut) {
    std::abort();
  }
  return 0;
}
