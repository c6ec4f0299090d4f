#include "proxy/sse_reader.h"

namespace aisafe::proxy {
namespace {

// The end of the first event in `s`: a blank line, with "\n" or "\r\n" line ends.
// Returns {end of the event's lines, start of what follows}, or npos.
std::pair<std::size_t, std::size_t> eventEnd(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') {
      continue;
    }
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '\r') {
      ++j;
    }
    if (j < s.size() && s[j] == '\n') {
      return {i, j + 1};
    }
  }
  return {std::string_view::npos, std::string_view::npos};
}

}  // namespace

Status SseReader::feed(std::string_view bytes) {
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
  if (buffer_.size() > max_event_bytes_ && eventEnd(buffer_).first == std::string_view::npos) {
    return Status(StatusCode::kInvalidArgument,
                  "an event of the upstream's stream is larger than " +
                      std::to_string(max_event_bytes_) + " bytes",
                  "event_too_large");
  }
  return Status::ok();
}

std::optional<std::string> SseReader::next() {
  for (;;) {
    const std::string_view rest = std::string_view(buffer_).substr(consumed_);
    const auto [end, following] = eventEnd(rest);
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    consumed_ += following;
    std::string data;
    bool has_data = false;
    std::string_view lines = rest.substr(0, end);
    while (!lines.empty()) {
      const std::size_t nl = lines.find('\n');
      std::string_view line = lines.substr(0, nl);
      lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      if (line.substr(0, 5) != "data:") {
        continue;
      }
      line.remove_prefix(5);
      if (!line.empty() && line.front() == ' ') {
        line.remove_prefix(1);
      }
      if (has_data) {
        data += '\n';
      }
      data.append(line);
      has_data = true;
    }
    if (has_data) {
      return data;
    }
  }
}

}  // namespace aisafe::proxy
