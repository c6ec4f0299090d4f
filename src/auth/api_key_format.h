// The format of aisafe API keys: making one, recognising one without a database, and deriving what
// may be stored (a hash) and shown (a prefix). Pure functions, safe from any thread.
//
// A key is "ask_live_" + 43 base62 characters of 32 random bytes + a 6-character base62 checksum,
// 58 characters in all, e.g. "ask_live_4f0Qx...Zk1" + "3bT9aQ". The checksum is the first 32 bits
// of SHA-256 over everything before it: it is not a secret and adds no security, it only lets a
// typo or a random string be refused before any lookup, and lets secret scanners recognise a
// real key. Only the SHA-256 of the whole key is stored; the key itself is shown once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aisafe::auth {

constexpr std::string_view kApiKeyPrefix = "ask_live_";
constexpr std::size_t kApiKeyRandomBytes = 32;   // 256 bits: beyond any guessing
constexpr std::size_t kApiKeyRandomChars = 43;   // base62 width of 32 bytes
constexpr std::size_t kApiKeyChecksumChars = 6;  // base62 width of 4 bytes
constexpr std::size_t kApiKeyDisplayChars = 8;   // random characters a UI may show
constexpr std::size_t kApiKeyLength =
    kApiKeyPrefix.size() + kApiKeyRandomChars + kApiKeyChecksumChars;  // 58

struct NewApiKey {
  std::string key;     // the full key: give it to the user once, never store or log it
  std::string prefix;  // "ask_live_" + the first 8 random characters, for lists and audit logs
  std::string hash;    // lowercase hex SHA-256 of `key`, what the database stores and looks up
};

// A fresh key from the CSPRNG with its prefix and hash. Aborts only if the CSPRNG fails (see
// crypto::randomBytes in crypto/random.h).
NewApiKey generateApiKey();

// True when `s` has the key prefix, the exact length, only base62 characters after the prefix and
// a matching checksum. Cheap: use it to refuse garbage before touching the database. A true answer
// says nothing about whether the key exists or is still valid.
bool looksLikeApiKey(std::string_view s);

// Lowercase hex SHA-256 of `key`, the form stored and looked up. Any input; no format check.
std::string apiKeyHash(std::string_view key);

// "ask_live_" + the first 8 random characters of `key` (what generateApiKey put in `prefix`). For
// a string shorter than that, the whole string; call looksLikeApiKey first.
std::string apiKeyPrefix(std::string_view key);

}  // namespace aisafe::auth
