// HMAC-SHA-256 (RFC 2104), through OpenSSL. Signs JWTs (auth), webhook payloads (webhooks) and
// canary tokens (detectors/canary), and derives purpose-bound keys from SECRET_KEY ("HMAC of a
// fixed label"). Pure, safe from any thread. Compare MACs with constantTimeEquals
// (crypto/constant_time.h), never with ==.
#pragma once

#include <string>
#include <string_view>

namespace aisafe::crypto {

// Raw 32-byte HMAC-SHA-256 of `data` under `key`. Any key length, including empty. Returns an
// empty string only if OpenSSL cannot allocate; an empty MAC never equals a real one, so a check
// against it fails closed.
std::string hmacSha256(std::string_view key, std::string_view data);

}  // namespace aisafe::crypto
