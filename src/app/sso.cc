// Single sign-on wiring: the OIDC verifier from configuration, fetching the provider's keys with
// the outbound HTTP client.
#include "app/sso.h"

#include "http/outbound_client.h"
#include "telemetry/logging.h"

namespace aisafe::app {

Result<std::unique_ptr<auth::OidcVerifier>> createSsoVerifier(const Config& config,
                                                              const telemetry::Tracer* tracer) {
  if (!config.ssoEnabled()) {
    return std::unique_ptr<auth::OidcVerifier>();
  }
  auth::OidcOptions options;
  options.issuer = config.oidc_issuer;
  options.audience = config.oidc_audience;
  options.organization_claim = config.oidc_organization_claim;
  options.role_claim = config.oidc_role_claim;
  AISAFE_TRY(options.role_map, auth::parseRoleMap(config.oidc_role_map));
  options.default_role = config.oidc_default_role;
  options.jwks_ttl = std::chrono::seconds(config.oidc_jwks_cache_s);
  options.min_refresh_interval = std::chrono::seconds(config.oidc_jwks_cooldown_s);

  http::OutboundRequest request;
  request.url = config.oidc_jwks_url;
  request.headers = {{"Accept", "application/json"}};
  request.timeout = std::chrono::milliseconds(config.oidc_jwks_timeout_ms);
  request.connect_timeout = std::min(request.timeout, std::chrono::milliseconds(2000));
  request.max_response_bytes = std::size_t{512} * 1024;  // key sets are a few KB
  auto fetch = [request, tracer]() -> Result<std::string> {
    // A fetch made during a request's authentication continues that request's trace.
    telemetry::Span span;
    if (tracer != nullptr) {
      span = tracer->start("GET", telemetry::SpanKind::kClient, telemetry::currentSpanContext());
    }
    http::OutboundRequest traced = request;
    if (span.context().valid()) {
      traced.headers.emplace_back("traceparent", telemetry::formatTraceparent(span.context()));
    }
    span.setString("http.request.method", "GET");
    span.setString("aisafe.call", "oidc.jwks");
    auto res = http::sendOutbound(traced);
    if (!res) {
      span.setError(res.status().message());
      return res.status();
    }
    span.setInt("http.response.status_code", res->status);
    if (res->status != 200) {
      span.setError("HTTP " + std::to_string(res->status));
      return unavailable("the JWKS URL answered HTTP " + std::to_string(res->status));
    }
    return std::move(res->body);
  };
  auto verifier = std::make_unique<auth::OidcVerifier>(std::move(options), std::move(fetch));
  // Fetched now so the first SSO request does not wait; a provider that is down at start-up
  // delays SSO, not aisafe (verify() fetches again).
  if (auto st = verifier->refresh(); !st.isOk()) {
    telemetry::logWarn("could not fetch the identity provider's keys; will retry on demand",
                       {{"url", config.oidc_jwks_url}, {"error", st.message()}});
  } else {
    telemetry::logInfo("single sign-on on", {{"issuer", config.oidc_issuer}});
  }
  return verifier;
}

}  // namespace aisafe::app
