// Unit tests for crypto/hmac.h: RFC 4231 known answers (tests/testdata/vectors).
#include "crypto/hmac.h"

#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/hex.h"

namespace aisafe::crypto {
namespace {

namespace json = boost::json;

json::object loadVectors(const std::string& name) {
  std::ifstream in(std::string(AISAFE_VECTORS_DIR) + "/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  EXPECT_FALSE(ec) << name << ": " << ec.message();
  return v.is_object() ? v.as_object() : json::object();
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::string fromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string toHex(std::string_view bytes) { return hex::encode(bytes); }

TEST(HmacSha256Test, Rfc4231Vectors) {
  const json::object file = loadVectors("hmac_sha256_rfc4231.json");
  const json::array& vectors = file.at("vectors").as_array();
  ASSERT_EQ(vectors.size(), 7u);
  for (const json::value& v : vectors) {
    const json::object& c = v.as_object();
    std::string mac =
        toHex(hmacSha256(fromHex(str(c.at("key_hex"))), fromHex(str(c.at("data_hex")))));
    if (c.at("truncate_to_bits").is_int64()) {
      mac.resize(static_cast<std::size_t>(c.at("truncate_to_bits").as_int64() / 4));
    }
    EXPECT_EQ(mac, str(c.at("hmac_sha256_hex"))) << "test case " << c.at("test_case");
  }
}

TEST(HmacSha256Test, EmptyKeyAndData) {
  EXPECT_EQ(hmacSha256("", "").size(), 32u);
  EXPECT_NE(hmacSha256("", "x"), hmacSha256("k", "x"));
}

}  // namespace
}  // namespace aisafe::crypto
