// Random identifiers for resources and requests ("pol_3f9a..."). Thread-safe: the bytes come from
// OpenSSL's CSPRNG, drawn in blocks per thread. Ids are unguessable but are not secrets; a secret
// (a token, a key) takes randomBytes (crypto/random.h). The check for client-sent request ids is
// core/request_id.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aisafe::crypto {

// `prefix` + 24 lowercase hex characters (96 random bits), e.g. "pol_3f9a...".
std::string randomId(std::string_view prefix);

// `prefix` + 12 hex digits of the Unix time in ms + 6 of a process counter + 6 random: ids made
// later sort after ids made earlier by this process, so (created_at, id) pages in order.
std::string timeOrderedId(std::string_view prefix);
// The same for a time the caller has already read (the record's created_at, say).
std::string timeOrderedId(std::string_view prefix, std::int64_t epoch_ms);

// A fresh request id: "req_" + 24 hex characters.
std::string newRequestId();

}  // namespace aisafe::crypto
