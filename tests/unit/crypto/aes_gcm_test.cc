// Unit tests for crypto/aes_gcm.h: the AES-256 known answers of the GCM specification (McGrew and
// Viega, test cases 13-15; no additional data), a fresh nonce per seal, and refusal of anything
// tampered with, truncated or sealed under another key.
#include "crypto/aes_gcm.h"

#include <string>

#include <gtest/gtest.h>

#include "core/hex.h"

namespace aisafe::crypto {
namespace {

std::string fromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

struct KnownAnswer {
  const char* key;
  const char* nonce;
  const char* plain;
  const char* cipher_and_tag;
};

constexpr KnownAnswer kGcmSpec[] = {
    // Test case 13: all-zero key and nonce, empty plaintext (the tag alone).
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "", "530f8afbc74536b9a963b4f1c4cb738b"},
    // Test case 14: one zero block.
    {"0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"},
    // Test case 15: four blocks.
    {"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
     "b094dac5d93471bdec1a502270e3cc6c"},
};

// seal() picks its own nonce, so the known answers are checked through open().
TEST(AesGcmTest, OpensTheSpecificationsKnownAnswers) {
  for (const KnownAnswer& ka : kGcmSpec) {
    const std::string sealed = fromHex(ka.nonce) + fromHex(ka.cipher_and_tag);
    auto plain = openAes256Gcm(fromHex(ka.key), sealed);
    ASSERT_TRUE(plain.isOk()) << ka.cipher_and_tag;
    EXPECT_EQ(hex::encode(*plain), ka.plain);
  }
}

TEST(AesGcmTest, SealsWithAFreshNonceAndOpensWhatItSealed) {
  const std::string key(kAes256KeyBytes, 'k');
  const std::string a = sealAes256Gcm(key, "whsec_abc"), b = sealAes256Gcm(key, "whsec_abc");
  EXPECT_EQ(a.size(), kGcmNonceBytes + 9 + kGcmTagBytes);
  EXPECT_NE(a.substr(0, kGcmNonceBytes), b.substr(0, kGcmNonceBytes));
  EXPECT_EQ(a.find("whsec_abc"), std::string::npos);
  EXPECT_EQ(*openAes256Gcm(key, a), "whsec_abc");
  EXPECT_EQ(*openAes256Gcm(key, b), "whsec_abc");
  EXPECT_EQ(*openAes256Gcm(key, sealAes256Gcm(key, "")), "");
}

TEST(AesGcmTest, RefusesTamperingTruncationAndOtherKeys) {
  const std::string key(kAes256KeyBytes, 'k');
  const std::string sealed = sealAes256Gcm(key, "whsec_abc");
  EXPECT_FALSE(openAes256Gcm(std::string(kAes256KeyBytes, 'x'), sealed).isOk());
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string flipped = sealed;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_FALSE(openAes256Gcm(key, flipped).isOk()) << "byte " << i;
  }
  EXPECT_FALSE(openAes256Gcm(key, sealed.substr(0, sealed.size() - 1)).isOk());
  EXPECT_FALSE(openAes256Gcm(key, sealed.substr(0, kGcmNonceBytes + kGcmTagBytes - 1)).isOk());
  EXPECT_FALSE(openAes256Gcm(key.substr(1), sealed).isOk());
}

}  // namespace
}  // namespace aisafe::crypto
