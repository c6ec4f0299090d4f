#include "core/utf8.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "core/clock.h"

namespace aisafe {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(utf8::isValid("plain"));
  EXPECT_TRUE(utf8::isValid("caf\xC3\xA9 \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80"));
}

TEST(Utf8Test, RefusesMalformedSequences) {
  EXPECT_EQ(utf8::firstInvalid("ab\xFF"), 2u);
  EXPECT_FALSE(utf8::isValid("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(utf8::isValid("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(utf8::isValid("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(utf8::isValid("\xE4\xBD"));          // truncated
}

// ASCII is skipped 16 bytes at a time: a bad byte is found wherever it falls in such a block,
// and a good sequence that straddles two blocks is accepted.
TEST(Utf8Test, FindsTheBadByteAtEveryPositionInsideLongAscii) {
  for (std::size_t at = 0; at < 50; ++at) {
    std::string text(50, 'a');
    text[at] = '\xFF';
    EXPECT_EQ(utf8::firstInvalid(text), at) << at;
    std::string truncated = std::string(at, 'a') + "\xE4\xBD";
    EXPECT_EQ(utf8::firstInvalid(truncated), at) << at;
    std::string good = std::string(at, 'a') + "\xE4\xBD\xA0" + std::string(20, 'b');
    EXPECT_EQ(utf8::firstInvalid(good), std::nullopt) << at;
  }
}

TEST(Utf8Test, AsciiPrefixStopsAtTheFirstByteWithItsHighBitSet) {
  EXPECT_EQ(utf8::asciiPrefix(""), 0U);
  for (std::size_t size = 0; size < 40; ++size) {
    const std::string ascii(size, 'a');
    EXPECT_EQ(utf8::asciiPrefix(ascii), size);
    for (std::size_t at = 0; at < size; ++at) {
      std::string text = ascii;
      text[at] = static_cast<char>(0x80 + at);
      EXPECT_EQ(utf8::asciiPrefix(text), at) << size << " " << at;
    }
  }
}

TEST(Utf8Test, CountsCodePointsAsNonContinuationBytes) {
  EXPECT_EQ(utf8::countCodePoints(""), 0U);
  EXPECT_EQ(utf8::countCodePoints("h\xC3\xA9llo \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80"), 10U);
  // Any bytes, any length, every alignment: the same count as one byte at a time.
  std::uint32_t state = 7;
  for (std::size_t size = 0; size < 300; ++size) {
    std::string text(size, '\0');
    for (char& c : text) {
      state = state * 1103515245U + 12345U;
      c = static_cast<char>(state >> 24);
    }
    std::size_t expected = 0;
    for (const unsigned char c : text) {
      expected += (c & 0xC0) != 0x80;
    }
    EXPECT_EQ(utf8::countCodePoints(text), expected) << size;
  }
}

TEST(Utf8Test, EncodeDecodeRoundTrip) {
  for (char32_t cp : {U'a', U'\u00E9', U'\u4F60', U'\U0001F600', U'\U000E0041'}) {
    std::string s;
    utf8::append(s, cp);
    std::size_t len = 0;
    EXPECT_EQ(utf8::decode(s, 0, len), cp);
    EXPECT_EQ(len, s.size());
  }
}

TEST(ClockTest, Rfc3339RoundTrip) {
  std::int64_t ms = 0;
  ASSERT_TRUE(clock::parseRfc3339("2026-11-28T04:19:24.123Z", ms));
  EXPECT_EQ(clock::toRfc3339(ms), "2026-11-28T04:19:24.123Z");
  ASSERT_TRUE(clock::parseRfc3339("2026-11-28T05:19:24+01:00", ms));
  EXPECT_EQ(clock::toRfc3339(ms), "2026-11-28T04:19:24.000Z");
  EXPECT_FALSE(clock::parseRfc3339("yesterday", ms));
  EXPECT_FALSE(clock::parseRfc3339("2026-13-01T00:00:00Z", ms));
}

// The coarse clock is steady_clock's timeline read at the last tick: never ahead of it, never
// far behind, and it moves.
TEST(ClockTest, CoarseSteadyClockTrailsSteadyClockByLessThanATick) {
  const auto first = clock::coarseSteadyNow();
  for (int i = 0; i < 1000; ++i) {
    const auto coarse = clock::coarseSteadyNow();
    const auto precise = std::chrono::steady_clock::now();
    ASSERT_LE(coarse, precise);
    ASSERT_LT(precise - coarse, std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_GT(clock::coarseSteadyNow(), first);
}

}  // namespace
}  // namespace aisafe
