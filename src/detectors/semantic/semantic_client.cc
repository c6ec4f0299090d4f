#include "detectors/semantic/semantic_client.h"

#include <algorithm>

#include "crypto/sha256.h"

namespace aisafe::detectors::semantic {
namespace {

const char* surfaceName(detect::Surface s) {
  return s == detect::Surface::kOutput      ? "output"
         : s == detect::Surface::kRetrieved ? "retrieved"
                                            : "input";
}

}  // namespace

Client::Client(ClientOptions options, std::unique_ptr<const Transport> transport,
               resilience::CircuitBreaker& breaker, cache::CacheManager* cache)
    : options_(std::move(options)),
      breaker_(breaker),
      cache_(cache),
      fingerprint_(crypto::sha256Hex(options_.url + "\n" +
                                     (options_.format == Format::kJson ? "json" : "openai-chat") +
                                     "\n" + options_.model)
                       .substr(0, 16)),
      transport_(std::move(transport)) {}

Result<Verdict> Client::classify(const detect::RemoteCheck& in) const {
  if (cache_ == nullptr || options_.cache_ttl.count() == 0) {
    return ask(in);
  }
  cache::GetOptions ttl;
  ttl.l1_ttl = ttl.l2_ttl =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.cache_ttl);
  const std::string key = cacheKey(in);
  AISAFE_TRY(std::string cached, cache_->get(
                                     "semantic", key,
                                     [&]() -> Result<std::string> {
                                       AISAFE_TRY(Verdict v, ask(in));
                                       return serialize(v);
                                     },
                                     ttl));
  if (auto v = deserialize(cached)) {
    return std::move(*v);
  }
  // An unreadable entry (another version wrote it): ask, and let the next call cache anew.
  cache_->erase("semantic", key);
  return ask(in);
}

std::string Client::cacheKey(const detect::RemoteCheck& in) const {
  return fingerprint_ + ":" + surfaceName(in.surface) + ":" +
         (in.text_sha256.empty() ? crypto::sha256Hex(in.text) : std::string(in.text_sha256));
}

std::optional<Verdict> Client::cached(const detect::RemoteCheck& in) const {
  if (cache_ == nullptr || options_.cache_ttl.count() == 0) {
    return std::nullopt;
  }
  cache::GetOptions l1_only;
  l1_only.use_l2 = false;
  auto hit = cache_->peek("semantic", cacheKey(in), l1_only);
  if (!hit) {
    return std::nullopt;
  }
  return deserialize(*hit);
}

Result<Verdict> Client::ask(const detect::RemoteCheck& in) const {
  const auto now = std::chrono::steady_clock::now();
  const auto budget = std::min(
      options_.timeout, std::chrono::duration_cast<std::chrono::milliseconds>(in.deadline - now));
  if (budget.count() <= 0) {
    return Status(StatusCode::kUnavailable, "no time left for the semantic detector", "timeout");
  }
  if (!breaker_.allow()) {
    return Status(StatusCode::kUnavailable,
                  "the semantic detector failed repeatedly; its circuit is open", "circuit_open");
  }
  TransportRequest request;
  request.url = options_.url;
  request.body = requestBody(options_.format, options_.model, in.text, in.surface);
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (!options_.api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  }
  if (!in.traceparent.empty()) {
    request.headers.emplace_back("traceparent", in.traceparent);
  }
  request.timeout = budget;
  request.connect_timeout = std::min(budget, std::chrono::milliseconds(1000));
  request.max_response_bytes = std::size_t{64} * 1024;  // a verdict is a few words

  auto response = transport_->post(request);
  const auto elapsed = std::chrono::steady_clock::now() - now;
  if (!response) {
    breaker_.record(false, elapsed);
    return response.status();
  }
  if (response->status < 200 || response->status >= 300) {
    breaker_.record(false, elapsed);
    return Status(StatusCode::kUnavailable,
                  "the semantic detector answered HTTP " + std::to_string(response->status),
                  "http_status");
  }
  auto verdict = parseAnswer(options_.format, response->body);
  // A service answering nonsense is as broken as one not answering.
  breaker_.record(verdict.isOk(), elapsed);
  return verdict;
}

}  // namespace aisafe::detectors::semantic
