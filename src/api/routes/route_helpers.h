// Small helpers every area of the API shares: the empty answer, and the caller as auth's
// Identity (what the services check grants against).
#pragma once

#include "auth/identity.h"
#include "http/request_context.h"
#include "http/response.h"

namespace aisafe::api {

// 204 with no body.
http::Response noContent();

// The caller as an auth::Identity (for services that check what it may grant).
auth::Identity identityOf(const http::RequestContext& ctx);

}  // namespace aisafe::api
