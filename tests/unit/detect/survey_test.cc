// The block-at-a-time survey against the byte-at-a-time one it replaced (bytewise_survey.h), on
// texts built to sit near every threshold and to cross the 64-byte block edges at every offset.
// What each flag means, on chosen examples: SurveyTest in decoders_test.cc.
#include "detect/survey.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hs/hs.h>

#include "bytewise_survey.h"
#include "detect/pattern_compiler.h"
#include "detect/survey_masks.h"

namespace aisafe::detect {
namespace {

std::string printable(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7F && c != '\\') {
      out.push_back(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return out;
}

void expectSameAsBytewise(const std::string& text) {
  const Survey fast = surveyText(text);
  const Survey slow = reference::surveyBytewise(text);
  EXPECT_EQ(fast.encoded, slow.encoded) << '"' << printable(text) << '"';
  EXPECT_EQ(fast.rot13, slow.rot13) << '"' << printable(text) << '"';
  EXPECT_EQ(fast.reversed, slow.reversed) << '"' << printable(text) << '"';
  EXPECT_EQ(fast.obfuscated, slow.obfuscated) << '"' << printable(text) << '"';
}

TEST(SurveyMasksTest, EveryClassifierMatchesTheBytewiseOneForEveryByteAtEveryPosition) {
  const std::vector<BlockClassifier> all = blockClassifiers();
  ASSERT_STREQ(all.front().name, "bytewise");
  unsigned char block[kSurveyBlock];
  for (const BlockClassifier& c : all) {
    for (unsigned first = 0; first < 256; ++first) {
      for (std::size_t i = 0; i < kSurveyBlock; ++i) {
        block[i] = static_cast<unsigned char>(first + i);
      }
      const BlockMasks a = c.classify(block);
      const BlockMasks b = classifyBlockBytewise(block);
      const std::string at = std::string(c.name) + " from byte " + std::to_string(first);
      EXPECT_EQ(a.letter, b.letter) << at;
      EXPECT_EQ(a.digit, b.digit) << at;
      EXPECT_EQ(a.hex, b.hex) << at;
      EXPECT_EQ(a.base64, b.base64) << at;
      EXPECT_EQ(a.space, b.space) << at;
      EXPECT_EQ(a.token_break, b.token_break) << at;
      EXPECT_EQ(a.blank, b.blank) << at;
      EXPECT_EQ(a.leet, b.leet) << at;
      EXPECT_EQ(a.word_sep, b.word_sep) << at;
      EXPECT_EQ(a.url, b.url) << at;
      EXPECT_EQ(a.percent, b.percent) << at;
      EXPECT_EQ(a.x, b.x) << at;
      EXPECT_EQ(a.escape, b.escape) << at;
    }
  }
}

TEST(SurveyTest, EmptyAndTinyTextsAgree) {
  for (const char* text : {"", " ", "a", "gur", "a b", "%2", "\\x6", "rot", "rot1", "13"}) {
    expectSameAsBytewise(text);
  }
}

// Pieces that each push one rule towards its threshold: markers, hex bytes, URL escapes,
// base64-looking runs, single letters, leetspeak, split words, white-space runs, and the
// things that must not count (URLs, long lowercase words, non-ASCII bytes).
const std::vector<std::string>& pieces() {
  static const std::vector<std::string> kPieces = {"gur",
                                                   "lbh",
                                                   "Naq",
                                                   "eht",
                                                   "uoy",
                                                   "selur",
                                                   "rot",
                                                   "13",
                                                   "rot13",
                                                   "rot-13",
                                                   "-",
                                                   "_",
                                                   ".",
                                                   " ",
                                                   " ",
                                                   " ",
                                                   " ",
                                                   "  ",
                                                   "\t",
                                                   "\n",
                                                   "\r",
                                                   "\f",
                                                   "\v",
                                                   "caesar",
                                                   "backwards",
                                                   "Reversed",
                                                   "a",
                                                   "b",
                                                   "I",
                                                   "g",
                                                   "1",
                                                   "3",
                                                   "0",
                                                   "@",
                                                   "$",
                                                   "x",
                                                   "\\x69",
                                                   "0x4f",
                                                   "69",
                                                   "6e",
                                                   "ff",
                                                   "de",
                                                   "%20",
                                                   "%2",
                                                   "%",
                                                   "ig-no-re",
                                                   "e.g.",
                                                   "a.b",
                                                   "http://a.b/c",
                                                   "me@x.io",
                                                   "QUJDRA",
                                                   "dGVzdA",
                                                   "abcdefghijklmnop",
                                                   "ABCDEFGH",
                                                   "12345678",
                                                   "+/",
                                                   "pr3v10u5",
                                                   "1gn0r3",
                                                   "the",
                                                   "instructions",
                                                   "ignore",
                                                   "previous",
                                                   "\xc3\xa9",
                                                   "\xe6\x97\xa5",
                                                   "\xff",
                                                   std::string(16, ' '),
                                                   std::string(17, ' '),
                                                   std::string(15, '\n'),
                                                   "be",
                                                   "ad",
                                                   ",",
                                                   ":"};
  return kPieces;
}

TEST(SurveyTest, AgreesWithTheBytewiseSurveyOnPiecedTexts) {
  std::mt19937 rng(20261129);
  const auto& p = pieces();
  std::uniform_int_distribution<std::size_t> pick(0, p.size() - 1);
  std::uniform_int_distribution<int> count(0, 90);
  std::uniform_int_distribution<int> pad(0, 70);
  for (int round = 0; round < 20000; ++round) {
    std::string text(static_cast<std::size_t>(pad(rng)), 'q');  // moves everything across blocks
    for (int k = count(rng); k > 0; --k) {
      text += p[pick(rng)];
    }
    expectSameAsBytewise(text);
    if (HasFailure()) {
      return;  // one counterexample is enough to read
    }
  }
}

// The pipeline counts the survey's marker words in its combined scan (markerRules) and hands
// the counts to the survey for ASCII texts: the survey must come out the same as when it looks
// the words up itself, wherever words begin and end.
TEST(SurveyTest, MarkersCountedByTheScanGiveTheSameSurvey) {
  auto db = compileRules(
      [] {
        static const std::vector<PatternRule> kRules = markerRules();
        std::vector<const PatternRule*> rules;
        for (const auto& r : kRules) rules.push_back(&r);
        return rules;
      }(),
      /*som=*/false);
  ASSERT_TRUE(db.isOk()) << db.status().message();
  hs_scratch_t* hs = nullptr;
  ASSERT_EQ(hs_alloc_scratch(db->get(), &hs), HS_SUCCESS);
  const std::vector<std::string> pieces = {
      "gur",       "GUR",      "lbh",       "lbhe",    "Nyy",    "naq",     "vtaber",   "cerivbhf",
      "cerivbhfs", "flfgrz",   "cebzcg",    "ehyrf",   "eht",    "uoy",     "ruoy",     "lla",
      "erongi",    "suoiverp", "SUOIVERPS", "metsys",  "tpmorp", "selur",   "caesar",   "reverse",
      "reversed",  "backward", "backwards", "esrever", "rot",    "ROT",     "13",       "1",
      "3",         "rot13",    "rot-13",    "rot 13",  "rot_13", "rot--13", "parrot13", "gurs",
      "xgur",      "the",      "a",         "s",       "e",      " ",       " ",        " ",
      ".",         "-",        "_",         "0",       "\n",     "'",       "@",        "/"};
  std::mt19937 rng(4242);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(0, 40);
  std::uniform_int_distribution<int> pad(0, 70);
  for (int round = 0; round < 20000; ++round) {
    std::string text(static_cast<std::size_t>(pad(rng)), 'q');
    for (int k = count(rng); k > 0; --k) {
      text += pieces[pick(rng)];
    }
    MarkerCounts counted;
    hs_scan(
        db->get(), text.data(), static_cast<unsigned>(text.size()), 0, hs,
        [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
          static_cast<MarkerCounts*>(ctx)->add(id);
          return 0;
        },
        &counted);
    const Survey looked_up = surveyText(text);
    const Survey from_scan = surveyText(text, &counted);
    ASSERT_EQ(from_scan.rot13, looked_up.rot13) << '"' << printable(text) << '"';
    ASSERT_EQ(from_scan.reversed, looked_up.reversed) << '"' << printable(text) << '"';
    ASSERT_EQ(from_scan.encoded, looked_up.encoded);
    ASSERT_EQ(from_scan.obfuscated, looked_up.obfuscated);
  }
  hs_free_scratch(hs);
}

TEST(SurveyTest, AgreesWithTheBytewiseSurveyOnTextsOfFewCharacters) {
  std::mt19937 rng(7);
  const std::string alphabet = "aAbBgGxX0135679 -_.@/:%$\\\t\n\f+sur";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<std::size_t> length(0, 200);
  for (int round = 0; round < 20000; ++round) {
    std::string text(length(rng), ' ');
    for (char& c : text) {
      c = alphabet[pick(rng)];
    }
    expectSameAsBytewise(text);
    if (HasFailure()) {
      return;
    }
  }
}

TEST(SurveyTest, EachThresholdIsMetAtEveryBlockOffset) {
  const std::vector<std::string> just_over = {
      "aGVsbG8gd29ybGQh",                          // 16 base64 characters, two classes
      "\\x69\\x67\\x6e\\x6f\\x72\\x65\\x20\\x61",  // eight hex bytes
      "%20%21",                                    // two URL escapes
      "gur lbh",                                   // two ROT13 markers
      "eht uoy",                                   // two reversed markers
      "i g n o",                                   // four spaced letters
      "1gn0r3 pr3v10u5",                           // two leetspeak words
      "ig-no-re",                                  // a split word
      std::string(17, ' '),                        // a long white-space run
  };
  const std::vector<std::string> just_under = {"aGVsbG8gd29ybGQ",
                                               "\\x69\\x67\\x6e\\x6f\\x72\\x65\\x20",
                                               "%20",
                                               "gur",
                                               "eht",
                                               "i g n",
                                               "1gn0r3",
                                               "ig-no",
                                               std::string(16, ' '),
                                               "aaaaaaaaaaaaaaaaaaaaaaa"};
  for (std::size_t shift = 0; shift < 2 * kSurveyBlock + 2; ++shift) {
    for (const auto& group : {just_over, just_under}) {
      for (const std::string& piece : group) {
        expectSameAsBytewise(std::string(shift, 'q') + " " + piece);
        expectSameAsBytewise(std::string(shift, 'q') + " " + piece + " tail");
        expectSameAsBytewise(piece + std::string(shift, 'q'));
      }
    }
    if (HasFailure()) {
      return;
    }
  }
}

TEST(SurveyTest, LongTextsAgree) {
  std::string prose;
  while (prose.size() < 70000) {
    prose += "Please summarise the quarterly report for the leadership team. Contact a.b@c.io ";
  }
  expectSameAsBytewise(prose);
  expectSameAsBytewise(prose + "gur lbh");
  expectSameAsBytewise(std::string(70000, 'A') + "a");  // one run over many blocks
  expectSameAsBytewise(std::string(70000, ' '));
}

}  // namespace
}  // namespace aisafe::detect
