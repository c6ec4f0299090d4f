// Identifiers: random ids for resources and requests, and the check for client-sent request ids.
// Thread-safe: randomness comes from OpenSSL's CSPRNG.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aisafe::ids {

// `prefix` + 24 lowercase hex characters (96 random bits), e.g. "pol_3f9a...".
std::string random(std::string_view prefix);

// `prefix` + 12 hex digits of the Unix time in ms + 6 of a process counter + 6 random: ids made
// later sort after ids made earlier by this process, so (created_at, id) pages in order.
std::string timeOrdered(std::string_view prefix);
// The same for a time the caller has already read (the record's created_at, say).
std::string timeOrdered(std::string_view prefix, std::int64_t epoch_ms);

// A fresh request id: "req_" + 24 hex characters.
std::string newRequestId();

// A client-supplied X-Request-ID is echoed only when it is 1..128 characters of [A-Za-z0-9._:-],
// so it cannot inject into logs or headers.
bool isSaneRequestId(std::string_view id);

}  // namespace aisafe::ids
