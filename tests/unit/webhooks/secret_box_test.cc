// Sealed webhook secrets: round trip, a fresh nonce each time, and refusal of anything tampered
// with or sealed under another key. And the address policy for outbound webhook calls.
#include "webhooks/secret_box.h"

#include <gtest/gtest.h>

#include "webhooks/address_policy.h"

namespace aisafe::webhooks {
namespace {

TEST(SecretBoxTest, RoundTripsWithAFreshNonceEachTime) {
  SecretBox box("a-server-secret-key-of-at-least-32-chars");
  const std::string a = box.seal("whsec_abc"), b = box.seal("whsec_abc");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find("whsec_abc"), std::string::npos);
  EXPECT_EQ(*box.open(a), "whsec_abc");
  EXPECT_EQ(*box.open(b), "whsec_abc");
}

TEST(SecretBoxTest, RefusesTamperingAndOtherKeys) {
  SecretBox box("a-server-secret-key-of-at-least-32-chars");
  SecretBox other("another-server-secret-key-of-32-chars!!");
  const std::string sealed = box.seal("whsec_abc");
  EXPECT_FALSE(other.open(sealed).isOk());
  std::string flipped = sealed;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.open(flipped).isOk());
  EXPECT_FALSE(box.open(sealed.substr(0, sealed.size() - 4)).isOk());
  EXPECT_FALSE(box.open("whsec_abc").isOk());
  EXPECT_FALSE(box.open("v1.").isOk());
}

bool isPublic(const char* text) { return isPublicAddress(boost::asio::ip::make_address(text)); }

TEST(AddressPolicyTest, OnlyPublicUnicastIsReachable) {
  for (const char* inward :
       {"127.0.0.1",       "10.1.2.3",           "172.16.0.1", "172.31.255.255",
        "192.168.1.1",     "169.254.169.254",    "100.64.0.1", "0.0.0.0",
        "224.0.0.1",       "255.255.255.255",    "::1",        "::",
        "fe80::1",         "fd00:ec2::254",      "fc00::1",    "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "ff02::1",    "2001:db8::1"}) {
    EXPECT_FALSE(isPublic(inward)) << inward;
  }
  for (const char* outward :
       {"8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"}) {
    EXPECT_TRUE(isPublic(outward)) << outward;
  }
}

}  // namespace
}  // namespace aisafe::webhooks
