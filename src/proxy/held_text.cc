#include "proxy/held_text.h"

#include <algorithm>

namespace aisafe::proxy {

std::string_view HeldText::window() {
  window_.assign(context_);
  window_.append(pending_);
  return window_;
}

std::string HeldText::release(std::vector<WindowRedaction> redactions, bool final) {
  const std::size_t ctx = context_.size();
  std::size_t cut =
      final ? pending_.size() : (pending_.size() > holdback_ ? pending_.size() - holdback_ : 0);
  // Redactions in pending_'s offsets; one wholly in the sent context was dealt with already.
  std::sort(redactions.begin(), redactions.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  std::vector<WindowRedaction> mine;
  for (auto& r : redactions) {
    if (r.end <= ctx) {
      continue;
    }
    r.start = r.start > ctx ? r.start - ctx : 0;
    r.end = std::min(r.end - ctx, pending_.size());
    if (!final && r.start < cut && r.end > cut) {
      cut = r.start;  // the whole finding goes out as one placeholder, later
    }
    mine.push_back(std::move(r));
  }
  // Continuation bytes of UTF-8 stay with their lead byte.
  while (cut > 0 && cut < pending_.size() &&
         (static_cast<unsigned char>(pending_[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string out;
  out.reserve(cut);
  std::size_t pos = 0;
  for (const auto& r : mine) {
    if (r.start >= cut) {
      break;
    }
    if (r.end <= pos) {
      continue;
    }
    out.append(pending_, pos, std::max(r.start, pos) - pos);
    out += r.placeholder;
    pos = r.end;
  }
  if (pos < cut) {
    out.append(pending_, pos, cut - pos);
  }
  context_.append(pending_, 0, std::max(pos, cut));
  pending_.erase(0, std::max(pos, cut));
  if (context_.size() > holdback_) {
    context_.erase(0, context_.size() - holdback_);
  }
  return out;
}

}  // namespace aisafe::proxy
