// Unit tests for auth/api_key_format.h: shape of generated keys, what is stored and shown, and the
// checksum catching typos and random strings.
#include "auth/api_key_format.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "crypto/sha256.h"

namespace aisafe::auth {
namespace {

bool isBase62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

TEST(ApiKeyFormatTest, GeneratedKeysHaveTheDocumentedShape) {
  std::set<std::string> keys;
  for (int i = 0; i < 200; ++i) {
    const NewApiKey k = generateApiKey();
    ASSERT_EQ(k.key.size(), kApiKeyLength) << k.key;  // left padding keeps the length fixed
    EXPECT_EQ(k.key.size(), 58u);
    EXPECT_TRUE(k.key.starts_with("ask_live_"));
    for (char c : k.key.substr(kApiKeyPrefix.size())) EXPECT_TRUE(isBase62(c)) << k.key;
    EXPECT_TRUE(looksLikeApiKey(k.key)) << k.key;
    keys.insert(k.key);
  }
  EXPECT_EQ(keys.size(), 200u);
}

TEST(ApiKeyFormatTest, PrefixAndHashAreDerivedFromTheKey) {
  const NewApiKey k = generateApiKey();
  EXPECT_EQ(k.prefix.size(), 17u);
  EXPECT_EQ(k.prefix, k.key.substr(0, 17));
  EXPECT_EQ(k.prefix, apiKeyPrefix(k.key));
  EXPECT_EQ(k.hash, apiKeyHash(k.key));
  EXPECT_EQ(k.hash, crypto::sha256Hex(k.key));
  EXPECT_EQ(k.hash.size(), 64u);
  EXPECT_EQ(k.hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(k.hash.find(k.key), std::string::npos);
}

TEST(ApiKeyFormatTest, HashIsPlainSha256Hex) {
  // FIPS 180-2 example "abc".
  EXPECT_EQ(apiKeyHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeyFormatTest, PrefixOfShortStrings) {
  EXPECT_EQ(apiKeyPrefix(""), "");
  EXPECT_EQ(apiKeyPrefix("ask_live_abc"), "ask_live_abc");
  EXPECT_EQ(apiKeyPrefix("ask_live_abcdefghijk"), "ask_live_abcdefgh");
}

TEST(ApiKeyFormatTest, ChecksumCatchesEverySingleCharacterTypo) {
  const std::string key = generateApiKey().key;
  for (std::size_t i = kApiKeyPrefix.size(); i < key.size(); ++i) {
    std::string typo = key;
    typo[i] = typo[i] == 'a' ? 'b' : 'a';
    // A 32-bit checksum misses a given typo with probability 2^-32: never, in practice.
    EXPECT_FALSE(looksLikeApiKey(typo)) << i;
  }
  for (std::size_t i = kApiKeyPrefix.size(); i + 1 < key.size(); ++i) {
    if (key[i] == key[i + 1]) continue;
    std::string swapped = key;
    std::swap(swapped[i], swapped[i + 1]);
    EXPECT_FALSE(looksLikeApiKey(swapped)) << i;
  }
}

TEST(ApiKeyFormatTest, RefusesWrongPrefixLengthAndAlphabet) {
  const std::string key = generateApiKey().key;
  EXPECT_FALSE(looksLikeApiKey(""));
  EXPECT_FALSE(looksLikeApiKey("ask_live_"));
  EXPECT_FALSE(looksLikeApiKey("ask_test_" + key.substr(9)));
  EXPECT_FALSE(looksLikeApiKey("ASK_LIVE_" + key.substr(9)));
  EXPECT_FALSE(looksLikeApiKey(key.substr(0, key.size() - 1)));
  EXPECT_FALSE(looksLikeApiKey(key + "0"));
  EXPECT_FALSE(looksLikeApiKey(" " + key.substr(1)));
  EXPECT_FALSE(looksLikeApiKey(key + "\n"));
  EXPECT_FALSE(looksLikeApiKey("ask_live_" + std::string(49, '-')));
  EXPECT_FALSE(looksLikeApiKey("ask_live_" + std::string(49, '0')));
  std::string with_symbol = key;
  with_symbol[20] = '_';
  EXPECT_FALSE(looksLikeApiKey(with_symbol));
}

TEST(ApiKeyFormatTest, RandomStringsOfTheRightShapeAreRefused) {
  // Right prefix, length and alphabet, but no valid checksum: caught without a lookup.
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string fake = generateApiKey().key;
    fake.replace(fake.size() - 6, 6, "000000");
    if (looksLikeApiKey(fake)) ++accepted;
  }
  EXPECT_EQ(accepted, 0);
}

}  // namespace
}  // namespace aisafe::auth
