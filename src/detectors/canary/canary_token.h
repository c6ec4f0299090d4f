// Canary tokens: a random word an organization puts into its system prompts; a model answer
// that contains it has leaked the system prompt. Stateless, so any replica can check a token
// without a database: the token carries its own proof of origin,
//
//   "zq" + base32(8 random bytes || first 8 bytes of HMAC-SHA256(K, organization || random))
//
// 28 characters of [a-z2-7] (e.g. "zqk3v7...") — a word a model repeats verbatim. K is derived
// from SECRET_KEY under a fixed label, so the key that signs access tokens never signs anything
// else and a canary reveals nothing about it. The organization is inside the MAC: a canary of
// one organization never verifies for another. Matching ignores ASCII case (models sometimes
// capitalize) but nothing else: a token with one character changed, added or removed is not a
// canary.
//
// Not a secret in itself: anyone who sees a canary can paste it into a response and get that
// response flagged, which they could achieve with any blocked content anyway. What must not be
// possible — minting a canary that verifies for an organization — needs K.
//
// Thread-safety: a CanaryKey is immutable after construction; share it between threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "detect/finding.h"

namespace aisafe::detectors::canary {

inline constexpr std::string_view kPrefix = "zq";  // a rare pair in prose: a cheap first filter
inline constexpr std::size_t kTokenLength = 28;    // prefix + 26 base32 characters (128 bits)
// Each candidate costs one HMAC (about a microsecond); a response stuffed with well-formed fakes
// stops being checked after this many, so a 1 MiB body costs at most a few milliseconds.
inline constexpr std::size_t kMaxCandidates = 2048;
// Findings per response: the decision is made by the first; more only lengthen the answer.
inline constexpr std::size_t kMaxFindings = 16;

class CanaryKey {
 public:
  // Derives the canary key from the server secret (SECRET_KEY). Any length is accepted; the
  // server refuses to start with fewer than 32 characters.
  explicit CanaryKey(std::string_view server_secret);

  // A fresh canary for `organization_id`, from 8 CSPRNG bytes.
  std::string make(std::string_view organization_id) const;

  // True when `token` is, up to ASCII case, a canary this key made for `organization_id`.
  // The MAC is compared in constant time. Any other input (wrong length, prefix, alphabet, non-zero
  // padding bits, another organization, another key) is false.
  bool verify(std::string_view organization_id, std::string_view token) const;

  // A short public fingerprint of the key (hex), different for every SECRET_KEY: cached verdicts
  // carry it so that a new secret does not reuse verdicts made under the old one.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::string mac(std::string_view organization_id, std::string_view random) const;

  std::string key_;  // 32 bytes
  std::string fingerprint_;
};

// The line to put into a system prompt for `token`. Worded as an internal reference a model
// keeps to itself, so the token only shows up in an answer when the prompt itself does.
std::string instructionFor(std::string_view token);

// Appends a finding (detector "canary", category "system_prompt_leak", type "canary", critical)
// for every canary of `organization_id` in `text` that stands as a word of its own (no ASCII
// letter or digit right before or after it). Spans are byte offsets into `text`. Never fails;
// checks at most kMaxCandidates well-formed candidates and appends at most kMaxFindings.
void findCanaries(const CanaryKey& key, std::string_view organization_id, std::string_view text,
                  detect::Findings& out);

}  // namespace aisafe::detectors::canary
