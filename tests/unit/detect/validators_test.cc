#include "detect/validators.h"

#include <gtest/gtest.h>

namespace aisafe::detect::validators {
namespace {

TEST(ValidatorsTest, Luhn) {
  EXPECT_TRUE(luhn("4111 1111 1111 1111"));
  EXPECT_TRUE(luhn("5500-0000-0000-0004"));
  EXPECT_TRUE(luhn("378282246310005"));
  EXPECT_FALSE(luhn("4111 1111 1111 1112"));
  EXPECT_FALSE(luhn("1234"));
}

TEST(ValidatorsTest, Iban) {
  EXPECT_TRUE(ibanMod97("GB82 WEST 1234 5698 7654 32"));
  EXPECT_TRUE(ibanMod97("DE89370400440532013000"));
  EXPECT_FALSE(ibanMod97("GB82 WEST 1234 5698 7654 33"));
  EXPECT_FALSE(ibanMod97("XX"));
}

TEST(ValidatorsTest, Ssn) {
  EXPECT_TRUE(usSsn("536-22-1234"));
  EXPECT_FALSE(usSsn("000-12-3456"));
  EXPECT_FALSE(usSsn("666-12-3456"));
  EXPECT_FALSE(usSsn("912-12-3456"));
  EXPECT_FALSE(usSsn("536-00-1234"));
  EXPECT_FALSE(usSsn("536-22-0000"));
}

TEST(ValidatorsTest, IpAddresses) {
  EXPECT_TRUE(ipv4("192.168.1.20"));
  EXPECT_FALSE(ipv4("256.1.1.1"));
  EXPECT_FALSE(ipv4("01.2.3.4"));
  EXPECT_FALSE(ipv4("1.2.3"));
  EXPECT_TRUE(ipv6("2001:db8::8a2e:370:7334"));
  EXPECT_FALSE(ipv6("12:30:45"));
}

TEST(ValidatorsTest, PhoneAndEntropy) {
  EXPECT_TRUE(phone("+1 (415) 555-0132"));
  EXPECT_FALSE(phone("2024"));
  EXPECT_FALSE(phone("000-000-0000"));
  EXPECT_TRUE(entropy("password = \"h7Gq2!xLp9#wZ4rT\""));
  EXPECT_FALSE(entropy("password = \"changeme\""));
  EXPECT_FALSE(entropy("api_key: ${API_KEY}"));
  EXPECT_FALSE(entropy("token=aaaaaaaaaaaa"));
}

TEST(ValidatorsTest, Jwt) {
  EXPECT_TRUE(jwt("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"));
  EXPECT_FALSE(jwt("eyJub3RhIjoiand0In0.eyJzdWIiOiIxIn0.c2ln"));
  EXPECT_FALSE(jwt("abc.def"));
}

TEST(ValidatorsTest, LookupByName) {
  EXPECT_EQ(findValidator("luhn"), &luhn);
  EXPECT_EQ(findValidator("nope"), nullptr);
}

}  // namespace
}  // namespace aisafe::detect::validators
