#include "webhooks/signature.h"

#include <charconv>

#include "crypto/base64.h"
#include "crypto/constant_time.h"
#include "crypto/hmac.h"
#include "crypto/random.h"

namespace aisafe::webhooks {
namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string signedContent(std::string_view msg_id, std::string_view timestamp,
                          std::string_view body) {
  std::string content;
  content.reserve(msg_id.size() + timestamp.size() + body.size() + 2);
  content.append(msg_id).append(".").append(timestamp).append(".").append(body);
  return content;
}

}  // namespace

std::string newSecret() {
  return std::string(kPrefix) + crypto::base64Encode(crypto::randomBytes(32));
}

Result<std::string> secretKey(std::string_view secret) {
  if (secret.substr(0, kPrefix.size()) == kPrefix) {
    secret.remove_prefix(kPrefix.size());
  }
  if (secret.empty()) {
    return invalidArgument("the webhook secret is empty");
  }
  auto key = crypto::base64Decode(secret);
  if (!key || key->empty()) {
    return invalidArgument("the webhook secret is not base64");
  }
  return std::move(*key);
}

Result<std::string> sign(std::string_view secret, std::string_view msg_id, std::int64_t timestamp,
                         std::string_view body) {
  AISAFE_TRY(std::string key, secretKey(secret));
  const std::string mac =
      crypto::hmacSha256(key, signedContent(msg_id, std::to_string(timestamp), body));
  return "v1," + crypto::base64Encode(mac);
}

Result<std::string> signatureHeader(const std::vector<std::string>& secrets,
                                    std::string_view msg_id, std::int64_t timestamp,
                                    std::string_view body) {
  std::string header;
  for (const auto& secret : secrets) {
    AISAFE_TRY(std::string one, sign(secret, msg_id, timestamp, body));
    if (!header.empty()) {
      header += ' ';
    }
    header += one;
  }
  if (header.empty()) {
    return invalidArgument("no secret to sign with");
  }
  return header;
}

bool verify(std::string_view secret, std::string_view msg_id, std::string_view timestamp,
            std::string_view body, std::string_view signature_header, std::int64_t now_s,
            std::int64_t tolerance_s) {
  if (msg_id.empty() || msg_id.find('.') != std::string_view::npos || timestamp.empty() ||
      timestamp.find('.') != std::string_view::npos) {
    return false;
  }
  std::int64_t ts = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return false;
  }
  if (ts < now_s - tolerance_s || ts > now_s + tolerance_s) {
    return false;
  }
  auto key = secretKey(secret);
  if (!key) {
    return false;
  }
  const std::string expected =
      crypto::base64Encode(crypto::hmacSha256(*key, signedContent(msg_id, timestamp, body)));
  bool ok = false;
  while (!signature_header.empty()) {
    const auto space = signature_header.find(' ');
    const std::string_view item = signature_header.substr(0, space);
    signature_header.remove_prefix(space == std::string_view::npos ? signature_header.size()
                                                                   : space + 1);
    if (item.substr(0, 3) != "v1,") {
      continue;
    }
    // No early exit: every listed signature is compared.
    ok = crypto::constantTimeEquals(item.substr(3), expected) || ok;
  }
  return ok;
}

}  // namespace aisafe::webhooks
