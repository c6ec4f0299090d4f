// The pieces of a streamed answer's relay that need no network: splitting SSE events out of
// arbitrary cuts, and the hold-back window that keeps a finding from leaving before it is seen.
#include <regex>

#include <gtest/gtest.h>

#include "proxy/held_text.h"
#include "proxy/sse_reader.h"
#include "proxy/window_scan.h"

namespace aisafe::proxy {
namespace {

TEST(SseReaderTest, EventsComeOutWhateverTheCuts) {
  const std::string stream =
      "data: {\"a\":1}\n\n: comment\n\ndata: two\r\ndata: lines\r\n\r\nevent: x\ndata: [DONE]\n\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    SseReader reader(1 << 20);
    std::vector<std::string> events;
    for (std::string_view piece :
         {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}) {
      ASSERT_TRUE(reader.feed(piece).isOk());
      while (auto e = reader.next()) {
        events.push_back(*e);
      }
    }
    EXPECT_EQ(events, (std::vector<std::string>{"{\"a\":1}", "two\nlines", "[DONE]"})) << cut;
  }
}

TEST(SseReaderTest, AnEventLargerThanTheLimitIsRefused) {
  SseReader reader(16);
  EXPECT_TRUE(reader.feed("data: 0123").isOk());
  EXPECT_EQ(reader.feed("456789abcdef").reason(), "event_too_large");
}

// A stand-in for the scan: AWS access key ids block, e-mail addresses are redacted.
struct FakeVerdict {
  bool block = false;
  std::vector<WindowRedaction> redactions;
};
FakeVerdict fakeScan(std::string_view window) {
  FakeVerdict v;
  const std::string text(window);
  static const std::regex kKey("AKIA[0-9A-Z]{16}");
  static const std::regex kEmail("[a-z.]+@[a-z]+\\.[a-z]+");
  v.block = std::regex_search(text, kKey);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kEmail);
       it != std::sregex_iterator(); ++it) {
    const auto start = static_cast<std::size_t>(it->position());
    v.redactions.push_back({start, start + static_cast<std::size_t>(it->length()), "[EMAIL]"});
  }
  return v;
}

// Feeds `pieces` through a window of `holdback` bytes; what left before a block, and whether it
// blocked.
std::pair<std::string, bool> relay(const std::vector<std::string>& pieces, std::size_t holdback) {
  HeldText held(holdback);
  std::string sent;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    held.append(pieces[i]);
    const FakeVerdict v = fakeScan(held.window());
    if (v.block) {
      return {sent, true};
    }
    sent += held.release(v.redactions, i + 1 == pieces.size());
  }
  return {sent, false};
}

TEST(HeldTextTest, ASecretSplitAtAnyOffsetNeverLeaves) {
  const std::string text =
      "Here is the configuration you asked for. The key is AKIAIOSFODNN7EXAMPLE, keep it safe.";
  const std::string secret_start = "AKIA";
  for (std::size_t holdback : {32u, 256u}) {
    for (std::size_t a = 0; a <= text.size(); ++a) {
      for (std::size_t b = a; b <= text.size(); b += 7) {
        auto [sent, blocked] =
            relay({text.substr(0, a), text.substr(a, b - a), text.substr(b)}, holdback);
        EXPECT_TRUE(blocked) << a << "," << b;
        EXPECT_LE(sent.size(), text.find(secret_start)) << a << "," << b << ": " << sent;
      }
    }
    // Byte by byte.
    std::vector<std::string> bytes;
    for (char ch : text) {
      bytes.emplace_back(1, ch);
    }
    auto [sent, blocked] = relay(bytes, holdback);
    EXPECT_TRUE(blocked);
    EXPECT_EQ(sent.find(secret_start), std::string::npos);
  }
}

TEST(HeldTextTest, AnInnocentStreamLeavesWholeAndOnlyTheHoldBackIsDelayed) {
  const std::string text(1000, 'x');
  HeldText held(256);
  std::string sent;
  for (std::size_t i = 0; i < text.size(); i += 10) {
    held.append(text.substr(i, 10));
    (void)held.window();
    sent += held.release({}, false);
    EXPECT_GE(sent.size() + 256, i + 10);  // never more than the hold-back behind
  }
  sent += held.release({}, true);
  EXPECT_EQ(sent, text);
}

TEST(HeldTextTest, AnEmailSplitAcrossChunksIsRedactedWhole) {
  const std::string text = "Write to jane.doe@example.com today, or to bob@example.org tomorrow.";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    // 32: longer than either address, as the hold-back must be longer than a finding.
    auto [sent, blocked] = relay({text.substr(0, cut), text.substr(cut)}, 32);
    EXPECT_FALSE(blocked);
    EXPECT_EQ(sent, "Write to [EMAIL] today, or to [EMAIL] tomorrow.") << cut;
  }
}

TEST(HeldTextTest, ACodePointIsNeverCut) {
  HeldText held(4);
  held.append("aaaaé");  // é is two bytes; the cut would fall between them
  (void)held.window();
  EXPECT_EQ(held.release({}, false), "aa");
  held.append("b");
  (void)held.window();
  EXPECT_EQ(held.release({}, true), "aaéb");
}

TEST(WindowScanTest, PlaceholdersAreReadBackFromTheSanitizedText) {
  const std::string text = "mail a@b.co and c@d.io, call 555";
  const std::string sanitized = "mail [EMAIL] and [EMAIL], call [PHONE]";
  auto spans = placeholdersOf(text, sanitized, {{29, 32, ""}, {5, 11, ""}, {16, 22, ""}});
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].placeholder, "[EMAIL]");
  EXPECT_EQ(spans[1].placeholder, "[EMAIL]");
  EXPECT_EQ(spans[2].placeholder, "[PHONE]");
}

}  // namespace
}  // namespace aisafe::proxy
