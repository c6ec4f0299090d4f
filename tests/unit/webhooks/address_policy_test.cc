// The webhook address policy's host readers (issue 22): numbers read as inet_aton() reads them,
// so a disguised loopback or metadata address is seen for what it is, and internal names.
#include "webhooks/address_policy.h"

#include <gtest/gtest.h>

namespace aisafe::webhooks {
namespace {

std::string aton(std::string_view host) {
  const auto v4 = parseInetAton(host);
  return v4 ? v4->to_string() : "none";
}

TEST(ParseInetAton, ReadsEveryFormThatMeansLoopback) {
  EXPECT_EQ(aton("2130706433"), "127.0.0.1");
  EXPECT_EQ(aton("0x7f000001"), "127.0.0.1");
  EXPECT_EQ(aton("0X7F000001"), "127.0.0.1");
  EXPECT_EQ(aton("017700000001"), "127.0.0.1");
  EXPECT_EQ(aton("127.1"), "127.0.0.1");
  EXPECT_EQ(aton("127.0.1"), "127.0.0.1");
  EXPECT_EQ(aton("0177.0.0.01"), "127.0.0.1");
  EXPECT_EQ(aton("0x7f.0x0.0x0.0x1"), "127.0.0.1");
  EXPECT_EQ(aton("0"), "0.0.0.0");
  EXPECT_EQ(aton("0xa9fea9fe"), "169.254.169.254");
  EXPECT_EQ(aton("169.254.43518"), "169.254.169.254");
  EXPECT_EQ(aton("10.1"), "10.0.0.1");
  EXPECT_EQ(aton("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(aton("4294967295"), "255.255.255.255");
}

TEST(ParseInetAton, RefusesWhatInetAtonRefuses) {
  EXPECT_EQ(aton(""), "none");
  EXPECT_EQ(aton("4294967296"), "none");  // over 32 bits
  EXPECT_EQ(aton("256.1.1.1"), "none");   // a leading part over a byte
  EXPECT_EQ(aton("1.2.3.256"), "none");
  EXPECT_EQ(aton("1.2.65536"), "none");
  EXPECT_EQ(aton("1.2.3.4.5"), "none");
  EXPECT_EQ(aton("1..2"), "none");
  EXPECT_EQ(aton("08"), "none");  // not octal
  EXPECT_EQ(aton("0x1g"), "none");
  EXPECT_EQ(aton("example.com"), "none");
  EXPECT_EQ(aton("deadbeef"), "none");  // hex needs its 0x
  EXPECT_EQ(aton("99999999999999999999999"), "none");
}

TEST(ParseInetAton, DisguisedAddressesFailThePolicy) {
  for (const char* host : {"2130706433", "0x7f000001", "017700000001", "127.1", "0xa9fea9fe",
                           "10.1", "0", "0xc0a80001"}) {
    const auto v4 = parseInetAton(host);
    ASSERT_TRUE(v4) << host;
    EXPECT_FALSE(isPublicAddress(*v4)) << host;
  }
  const auto google_dns = parseInetAton("134744072");
  ASSERT_TRUE(google_dns);
  EXPECT_TRUE(isPublicAddress(*google_dns));
}

TEST(IsInternalName, LocalAndMetadataNames) {
  for (const char* host : {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                           "metadata", "metadata.google.internal", "instance-data",
                           "foo.ec2.internal", "app.localhost", "localhost6"}) {
    EXPECT_TRUE(isInternalName(host)) << host;
  }
  for (const char* host : {"hooks.example.com", "internal.example.com", "localhost.example.com",
                           "metadata.example.com", "notlocalhost", "myinternal"}) {
    EXPECT_FALSE(isInternalName(host)) << host;
  }
}

}  // namespace
}  // namespace aisafe::webhooks
