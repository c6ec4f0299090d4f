#include "api/routes/route_helpers.h"

namespace aisafe::api {

http::Response noContent() {
  http::Response res{boost::beast::http::status::no_content, 11};
  res.prepare_payload();
  return res;
}

auth::Identity identityOf(const http::RequestContext& ctx) {
  auth::Identity id;
  const auto& p = ctx.principal;
  id.kind = p.kind == http::Principal::Kind::kApiKey ? auth::Identity::Kind::kApiKey
                                                     : auth::Identity::Kind::kUser;
  id.id = p.id;
  id.user_id = p.user_id;
  id.organization_id = ctx.organization_id;
  id.role = p.role;
  id.scopes = p.scopes;
  id.is_superadmin = p.is_superadmin;
  id.session_id = p.session_id;
  return id;
}

}  // namespace aisafe::api
