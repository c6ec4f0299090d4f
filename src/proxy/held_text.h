// The hold-back window of a streamed answer (issue 23): text arrives in small deltas; each time,
// the proxy scans the window (the last `holdback` bytes already sent, as context, then all that
// is not yet sent) and may send only what lies more than `holdback` bytes before the end of what
// has arrived. So a finding no longer than the hold-back is complete, and seen, before its first
// byte could leave: a secret split across chunks at any offset is never sent. At the end of the
// answer everything left is released (after its scan).
//
// Redactions are applied to what is released; one that reaches into the held part holds the
// release back to its start, so a placeholder always replaces the whole finding.
// Memory: holdback bytes of context plus what arrived since the last release.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aisafe::proxy {

// A redaction found in a window: byte offsets in window(), end exclusive.
struct WindowRedaction {
  std::size_t start = 0;
  std::size_t end = 0;
  std::string placeholder;  // "[EMAIL]", or empty to drop the text
};

class HeldText {
 public:
  explicit HeldText(std::size_t holdback) : holdback_(holdback) {}

  void append(std::string_view text) { pending_.append(text); }
  bool empty() const { return pending_.empty(); }

  // What the next scan reads; valid until the next append or release.
  std::string_view window();
  // The length of the window's leading context (already sent).
  std::size_t contextBytes() const { return context_.size(); }

  // After a scan of window() that did not block: the text that may leave now, its redactions
  // applied; with `final`, all that is held. Never cuts a UTF-8 sequence.
  std::string release(std::vector<WindowRedaction> redactions, bool final);

 private:
  const std::size_t holdback_;
  std::string context_;  // the last sent bytes (as received), at most holdback_
  std::string pending_;  // received, not sent
  std::string window_;
};

}  // namespace aisafe::proxy
