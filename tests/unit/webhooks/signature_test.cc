// Standard Webhooks signing against the known-answer vector and invalid cases from the shared
// vector set (tests/testdata/vectors/standard_webhooks.json).
#include "webhooks/signature.h"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace aisafe::webhooks {
namespace {
namespace json = boost::json;

json::array vectors() {
  std::ifstream in(std::string(AISAFE_VECTORS_DIR) + "/standard_webhooks.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object().at("vectors").as_array();
}

const json::object& named(const json::array& all, std::string_view prefix) {
  for (const auto& v : all) {
    if (std::string_view(v.at("name").as_string()).substr(0, prefix.size()) == prefix) {
      return v.as_object();
    }
  }
  throw std::runtime_error("no vector " + std::string(prefix));
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

TEST(WebhookSignatureTest, KnownAnswer) {
  const auto all = vectors();
  const auto& v = named(all, "sign_known_answer");
  auto sig = sign(str(v.at("secret")), str(v.at("msg_id")), v.at("timestamp").as_int64(),
                  str(v.at("payload")));
  ASSERT_TRUE(sig.isOk()) << sig.status().message();
  EXPECT_EQ(*sig, str(v.at("expected_signature")));
  // The same key without the whsec_ prefix.
  const auto& bare = named(all, "secret_without_prefix_equivalent");
  EXPECT_EQ(*sign(str(bare.at("secret")), str(v.at("msg_id")), v.at("timestamp").as_int64(),
                  str(v.at("payload"))),
            str(v.at("expected_signature")));
}

TEST(WebhookSignatureTest, InvalidSignaturesFailAloneAndPassBesideAValidOne) {
  const auto all = vectors();
  const auto& v = named(all, "sign_known_answer");
  const auto& bad = named(all, "invalid_signatures_must_fail");
  const std::string secret = str(v.at("secret")), id = str(v.at("msg_id")),
                    payload = str(v.at("payload"));
  const std::int64_t now = 1'800'000'000;
  const std::string ts = std::to_string(now);
  const std::string good = *sign(secret, id, now, payload);
  EXPECT_TRUE(verify(secret, id, ts, payload, good, now));
  for (const auto& h : bad.at("header_values").as_array()) {
    EXPECT_FALSE(verify(secret, id, ts, payload, str(h), now)) << str(h);
    EXPECT_TRUE(verify(secret, id, ts, payload, str(h) + " " + good, now)) << str(h);
  }
}

TEST(WebhookSignatureTest, ErrorCases) {
  const std::string secret = newSecret();
  const std::int64_t now = 1'800'000'000;
  const std::string good = *sign(secret, "msg_1", now, "{}");
  EXPECT_FALSE(verify(secret, "", std::to_string(now), "{}", good, now));     // no id
  EXPECT_FALSE(verify(secret, "msg_1", "", "{}", good, now));                 // no timestamp
  EXPECT_FALSE(verify(secret, "msg_1", "hello", "{}", good, now));            // not a number
  EXPECT_FALSE(verify(secret, "msg_1", std::to_string(now), "{}", "", now));  // no signature
  EXPECT_FALSE(verify(secret, "msg_1", std::to_string(now), "{}", good, now + 301));  // too old
  EXPECT_FALSE(verify(secret, "msg_1", std::to_string(now), "{}", good, now - 301));  // future
  EXPECT_FALSE(verify(secret, "msg_1", std::to_string(now), "{ }", good, now));       // other body
  EXPECT_FALSE(sign("", "msg_1", now, "{}").isOk());
  EXPECT_FALSE(sign("whsec_", "msg_1", now, "{}").isOk());
  EXPECT_FALSE(sign("whsec_not base64!", "msg_1", now, "{}").isOk());
}

TEST(WebhookSignatureTest, DuringARotationBothSecretsSign) {
  const std::string old_secret = newSecret(), new_secret = newSecret();
  ASSERT_NE(old_secret, new_secret);
  EXPECT_EQ(old_secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(secretKey(old_secret)->size(), 32u);
  const std::int64_t now = 1'800'000'000;
  auto header = signatureHeader({old_secret, new_secret}, "msg_2", now, "{\"a\":1}");
  ASSERT_TRUE(header.isOk());
  EXPECT_NE(header->find(' '), std::string::npos);
  // A receiver with either secret accepts the message.
  EXPECT_TRUE(verify(old_secret, "msg_2", std::to_string(now), "{\"a\":1}", *header, now));
  EXPECT_TRUE(verify(new_secret, "msg_2", std::to_string(now), "{\"a\":1}", *header, now));
  EXPECT_FALSE(verify(newSecret(), "msg_2", std::to_string(now), "{\"a\":1}", *header, now));
}

}  // namespace
}  // namespace aisafe::webhooks
