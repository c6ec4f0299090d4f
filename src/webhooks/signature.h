// Standard Webhooks signing (https://www.standardwebhooks.com): the headers webhook-id,
// webhook-timestamp and webhook-signature, where the signature is "v1," + base64 of
// HMAC-SHA256 over "id.timestamp.body" keyed with the base64-decoded part of a "whsec_" secret.
// During a secret rotation both secrets sign, space-separated, so receivers can switch without
// losing a message. verify() is what receivers do; we use it in tests and for our own checks.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace aisafe::webhooks {

// "whsec_" + base64 of 32 CSPRNG bytes.
std::string newSecret();

// The signing key inside a secret ("whsec_" optional, as the reference libraries accept);
// kInvalidArgument when it is empty or not base64.
Result<std::string> secretKey(std::string_view secret);

// "v1,<base64 signature>" for one secret.
Result<std::string> sign(std::string_view secret, std::string_view msg_id, std::int64_t timestamp,
                         std::string_view body);

// The webhook-signature header value: one "v1,..." per secret, space-separated.
Result<std::string> signatureHeader(const std::vector<std::string>& secrets,
                                    std::string_view msg_id, std::int64_t timestamp,
                                    std::string_view body);

// A receiver's check: the timestamp within `tolerance_s` of `now_s`, id and timestamp without
// '.', and one of the header's v1 signatures equal (in constant time) to ours.
bool verify(std::string_view secret, std::string_view msg_id, std::string_view timestamp,
            std::string_view body, std::string_view signature_header, std::int64_t now_s,
            std::int64_t tolerance_s = 300);

}  // namespace aisafe::webhooks
