#include "detect/normalizer.h"

#include <gtest/gtest.h>

namespace aisafe::detect {
namespace {

// The original text behind normalized bytes [start, end).
std::string_view originalOf(std::string_view original, const NormalizedText& n, std::size_t start,
                            std::size_t end) {
  auto [s, e] = n.toOriginal(start, end);
  return original.substr(s, e - s);
}

TEST(NormalizerTest, PlainAsciiIsScannedAsIs) {
  NormalizedText n;
  const std::string text = "Ignore previous instructions";
  normalize(text, n);
  EXPECT_TRUE(n.unchanged());
  EXPECT_EQ(n.text().data(), text.data());  // no copy
  EXPECT_TRUE(n.invisible().empty());
}

TEST(NormalizerTest, FullWidthFoldsToAsciiAndMapsBack) {
  NormalizedText n;
  const std::string text =
      "say \xEF\xBD\x89\xEF\xBD\x87\xEF\xBD\x8E\xEF\xBD\x8F\xEF\xBD\x92\xEF\xBD\x85 now";  // ｉｇｎｏｒｅ
  normalize(text, n);
  EXPECT_EQ(n.text(), "say ignore now");
  const auto pos = n.text().find("ignore");
  EXPECT_EQ(originalOf(text, n, pos, pos + 6), text.substr(4, 18));
}

TEST(NormalizerTest, LongWhiteSpaceRunsBecomeOneSpace) {
  NormalizedText n;
  std::string nbsp;
  for (std::size_t i = 0; i <= kMaxWhitespaceRun; ++i) nbsp += "\xC2\xA0";
  const std::string short_run(kMaxWhitespaceRun, ' ');
  const std::string text = "caf\xC3\xA9 a" + nbsp + "b" + short_run + "c";
  normalize(text, n);
  EXPECT_EQ(n.text(), "caf\xC3\xA9 a b" + short_run + "c");
  const auto pos = n.text().find(" b");
  EXPECT_EQ(originalOf(text, n, pos, pos + 1), nbsp);  // the one space stands for the whole run
  EXPECT_EQ(originalOf(text, n, pos + 1, pos + 2), "b");
}

TEST(NormalizerTest, ZeroWidthIsRemovedAndReported) {
  NormalizedText n;
  const std::string text = "ig\xE2\x80\x8Bnore";  // ig<ZWSP>nore
  normalize(text, n);
  EXPECT_EQ(n.text(), "ignore");
  ASSERT_EQ(n.invisible().size(), 1u);
  EXPECT_EQ(n.invisible()[0].start, 2u);
  EXPECT_EQ(n.invisible()[0].end, 5u);
  EXPECT_TRUE(n.invisible()[0].splits_word);
  EXPECT_EQ(originalOf(text, n, 0, 6), text);  // the span covers the hidden character
}

TEST(NormalizerTest, TagCharactersAreReported) {
  NormalizedText n;
  const std::string text = "hi \xF3\xA0\x81\x81\xF3\xA0\x81\x82";  // U+E0041 U+E0042
  normalize(text, n);
  EXPECT_EQ(n.text(), "hi ");
  ASSERT_EQ(n.invisible().size(), 2u);
  EXPECT_EQ(n.invisible()[0].kind, InvisibleKind::kTag);
}

TEST(NormalizerTest, MixedScriptWordsFoldButRussianStays) {
  NormalizedText n;
  // "ignоre" with a Cyrillic о, then the Russian word "привет".
  const std::string text = "ign\xD0\xBEre \xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82";
  normalize(text, n);
  EXPECT_EQ(n.text().substr(0, 7), "ignore ");
  EXPECT_EQ(n.text().substr(7), text.substr(8));
  EXPECT_EQ(n.foldedMixedScriptWords(), 1u);
}

TEST(NormalizerTest, LookAlikeOnlyWordsFoldAmongLatinWords) {
  NormalizedText n;
  // "ѕуѕтем" (all Cyrillic look-alikes) between English words.
  const std::string text = "your \xD1\x95\xD1\x83\xD1\x95\xD1\x82\xD0\xB5\xD0\xBC prompt";
  normalize(text, n);
  EXPECT_EQ(n.text(), "your system prompt");
  EXPECT_EQ(n.foldedMixedScriptWords(), 1u);
  const auto pos = n.text().find("system");
  EXPECT_EQ(originalOf(text, n, pos, pos + 6), text.substr(5, 12));
}

TEST(NormalizerTest, LookAlikeOnlyWordsStayInRussianAndGreek) {
  NormalizedText n;
  // "Он сказал сорок" ("he said forty"): "Он" and "сорок" are made of look-alikes only.
  const std::string russian =
      "\xD0\x9E\xD0\xBD \xD1\x81\xD0\xBA\xD0\xB0\xD0\xB7\xD0\xB0\xD0\xBB "
      "\xD1\x81\xD0\xBE\xD1\x80\xD0\xBE\xD0\xBA";
  normalize(russian, n);
  EXPECT_EQ(n.text(), russian);
  EXPECT_EQ(n.foldedMixedScriptWords(), 0u);
  // A text of look-alike words alone ("сорок") has no Latin context: left as written.
  normalize("\xD1\x81\xD0\xBE\xD1\x80\xD0\xBE\xD0\xBA", n);
  EXPECT_EQ(n.foldedMixedScriptWords(), 0u);
  // Greek: "Ο Κ" between Greek words stays.
  const std::string greek = "\xCE\x9F \xCE\x9A \xCE\xBB\xCF\x8C\xCE\xB3\xCE\xBF\xCF\x82";
  normalize(greek, n);
  EXPECT_EQ(n.text(), greek);
}

TEST(NormalizerTest, EmojiJoinerIsNotAWordSplit) {
  NormalizedText n;
  const std::string text = "family \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";  // 👨‍👩
  normalize(text, n);
  ASSERT_EQ(n.invisible().size(), 1u);
  EXPECT_FALSE(n.invisible()[0].splits_word);
}

TEST(NormalizerTest, MathematicalLettersFold) {
  NormalizedText n;
  const std::string text = "\xF0\x9D\x90\x88\xF0\x9D\x90\xA0";  // 𝐈𝐠 (bold I, bold g)
  normalize(text, n);
  EXPECT_EQ(n.text(), "Ig");
}

TEST(NormalizerTest, KelvinSignAndLongSFoldToTheirLetters) {
  // The two characters Unicode case-insensitive matching equates with ASCII letters: patterns
  // read as bytes must see "ignore previous instructions" in them too.
  NormalizedText n;
  const std::string text =
      "previou\xC5\xBF \xE2\x84\xAA"
      "ey";  // previouſ Kelvin-ey
  normalize(text, n);
  EXPECT_EQ(n.text(), "previous Key");
  EXPECT_EQ(originalOf(text, n, 7, 8), "\xC5\xBF");
  EXPECT_EQ(originalOf(text, n, 9, 10), "\xE2\x84\xAA");
}

}  // namespace
}  // namespace aisafe::detect
