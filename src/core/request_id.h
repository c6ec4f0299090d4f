// The check for client-sent request ids. Fresh ids are made by crypto::newRequestId
// (crypto/random_ids.h); this only decides whether a client's X-Request-ID may be echoed. Pure.
#pragma once

#include <string_view>

namespace aisafe {

// A client-supplied X-Request-ID is echoed only when it is 1..128 characters of [A-Za-z0-9._:-],
// so it cannot inject into logs or headers.
bool isSaneRequestId(std::string_view id);

}  // namespace aisafe
