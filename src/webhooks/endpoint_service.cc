#include "webhooks/endpoint_service.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "core/clock.h"
#include "crypto/random_ids.h"
#include "webhooks/address_policy.h"
#include "webhooks/signature.h"

namespace aisafe::webhooks {
namespace json = boost::json;

namespace {

Status unprocessable(std::string message) {
  return Status(StatusCode::kUnprocessable, std::move(message), "invalid_webhook");
}

Result<std::string> readEvents(const json::value& v) {
  if (!v.is_array() || v.get_array().empty()) {
    return unprocessable("events: expected a non-empty array of event types");
  }
  json::array out;
  for (const auto& e : v.get_array()) {
    if (!e.is_string()) {
      return unprocessable("events: expected strings");
    }
    const std::string name(e.get_string());
    const auto& known = eventTypes();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return unprocessable("events: unknown event type \"" + name.substr(0, 64) + "\"");
    }
    if (std::find(out.begin(), out.end(), json::value(name)) == out.end()) {
      out.emplace_back(name);
    }
  }
  return json::serialize(out);
}

Result<std::string> readDescription(const json::value& v) {
  if (!v.is_string()) {
    return unprocessable("description: expected a string");
  }
  if (v.get_string().size() > 500) {
    return unprocessable("description: at most 500 characters");
  }
  return std::string(v.get_string());
}

Result<bool> readEnabled(const json::value& v) {
  if (!v.is_bool()) {
    return unprocessable("enabled: expected true or false");
  }
  return v.get_bool();
}

}  // namespace

const std::vector<std::string>& eventTypes() {
  static const std::vector<std::string> kTypes = {
      "prompt.validated", "prompt.blocked",  "policy.created", "policy.updated",
      "policy.deleted",   "api_key.created", "api_key.revoked"};
  return kTypes;
}

Status EndpointService::checkUrl(const std::string& url) const {
  if (url.size() > 2048) {
    return unprocessable("url: at most 2048 characters");
  }
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return unprocessable("url: not an absolute URL");
  }
  const auto scheme = parsed->scheme();
  if (scheme != "https" && !(scheme == "http" && options_.allow_http)) {
    return unprocessable(options_.allow_http ? "url: expected http or https"
                                             : "url: expected https (WEBHOOK_ALLOW_HTTP is off)");
  }
  if (parsed->has_userinfo()) {
    return unprocessable("url: credentials in the URL are not allowed");
  }
  std::string host(parsed->encoded_host());
  if (host.empty()) {
    return unprocessable("url: no host");
  }
  // Clients that follow the WHATWG URL standard (browsers, Node's fetch) percent-decode the host
  // before reading it as an address, so "%31%32%37.0.0.1" is 127.0.0.1 to them, while every check
  // below would see a name. No real endpoint needs an encoded host name. (Found by
  // tests/fuzz/webhook_url_fuzz.cc.) In an IPv6 literal '%' starts a zone id, which only
  // link-local addresses have, and those are refused anyway.
  if (host.find('%') != std::string::npos) {
    return unprocessable("url: a percent-encoded host name is not allowed");
  }
  if (host.size() > 2 && host.front() == '[') {
    host = host.substr(1, host.size() - 2);
  }
  // "localhost." is "localhost": a trailing dot must not slip past the name check.
  while (!host.empty() && host.back() == '.') {
    host.pop_back();
  }
  for (auto& c : host) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (options_.allow_private) {
    return Status::ok();
  }
  constexpr std::string_view kRefused =
      "loopback, private, link-local and metadata addresses are refused";
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (!ec) {
    if (!isPublicAddress(address)) {
      return unprocessable("url: " + std::string(kRefused));
    }
    return Status::ok();
  }
  // 2130706433, 0x7f000001, 017700000001 and 127.1 are 127.0.0.1 to the many clients that read
  // hosts with inet_aton(); the URL parser calls them names.
  if (const auto v4 = parseInetAton(host)) {
    if (!isPublicAddress(*v4)) {
      return unprocessable("url: " + host.substr(0, 64) + " is the address " + v4->to_string() +
                           "; " + std::string(kRefused));
    }
    return Status::ok();
  }
  if (isInternalName(host)) {
    return unprocessable("url: " + host.substr(0, 64) +
                         " names this machine or an internal service; " + std::string(kRefused));
  }
  return Status::ok();
}

Result<CreatedEndpoint> EndpointService::create(const std::string& organization_id,
                                                const json::object& fields,
                                                const std::string& created_by) {
  for (const auto& [key, value] : fields) {
    if (key != "url" && key != "events" && key != "description" && key != "enabled") {
      return unprocessable(std::string(key) + ": unknown field");
    }
  }
  storage::WebhookEndpointRow row;
  const auto* url = fields.if_contains("url");
  if (url == nullptr || !url->is_string()) {
    return unprocessable("url: required, a string");
  }
  row.url = std::string(url->get_string());
  AISAFE_RETURN_IF_ERROR(checkUrl(row.url));
  const auto* events = fields.if_contains("events");
  if (events == nullptr) {
    return unprocessable("events: required");
  }
  AISAFE_TRY(row.events, readEvents(*events));
  if (const auto* d = fields.if_contains("description")) {
    AISAFE_TRY(row.description, readDescription(*d));
  }
  if (const auto* e = fields.if_contains("enabled")) {
    AISAFE_TRY(row.enabled, readEnabled(*e));
  }
  const std::string secret = newSecret();
  row.id = crypto::randomId("wh_");
  row.organization_id = organization_id;
  row.secret = box_.seal(secret);
  row.created_by = created_by;
  row.created_at = row.updated_at = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(repo_.create(row));
  forgetSubscriptions(organization_id);
  return CreatedEndpoint{std::move(row), secret};
}

Result<storage::WebhookEndpointRow> EndpointService::get(const std::string& organization_id,
                                                         const std::string& id) {
  return repo_.get(organization_id, id);
}

Result<std::vector<storage::WebhookEndpointRow>> EndpointService::list(
    const std::string& organization_id) {
  return repo_.list(organization_id);
}

Result<storage::WebhookEndpointRow> EndpointService::update(const std::string& organization_id,
                                                            const std::string& id,
                                                            const json::object& patch) {
  AISAFE_TRY(storage::WebhookEndpointRow row, repo_.get(organization_id, id));
  for (const auto& [key, value] : patch) {
    if (key == "url") {
      if (!value.is_string()) {
        return unprocessable("url: expected a string");
      }
      row.url = std::string(value.get_string());
      AISAFE_RETURN_IF_ERROR(checkUrl(row.url));
    } else if (key == "events") {
      AISAFE_TRY(row.events, readEvents(value));
    } else if (key == "description") {
      AISAFE_TRY(row.description, readDescription(value));
    } else if (key == "enabled") {
      AISAFE_TRY(bool enabled, readEnabled(value));
      if (enabled && !row.enabled) {
        row.consecutive_failures = 0;
        row.disabled_reason.reset();
      }
      row.enabled = enabled;
    } else {
      return unprocessable(std::string(key) + ": unknown field");
    }
  }
  row.updated_at = clock::nowMs();
  AISAFE_RETURN_IF_ERROR(repo_.update(row));
  forgetSubscriptions(organization_id);
  return row;
}

Status EndpointService::remove(const std::string& organization_id, const std::string& id) {
  AISAFE_RETURN_IF_ERROR(repo_.remove(organization_id, id));
  forgetSubscriptions(organization_id);
  return Status::ok();
}

Result<CreatedEndpoint> EndpointService::rotateSecret(const std::string& organization_id,
                                                      const std::string& id) {
  AISAFE_TRY(storage::WebhookEndpointRow row, repo_.get(organization_id, id));
  const std::string secret = newSecret();
  const std::int64_t now = clock::nowMs();
  row.previous_secret = row.secret;
  row.previous_expires_at = now + options_.rotation_grace_ms;
  row.secret = box_.seal(secret);
  row.updated_at = now;
  AISAFE_RETURN_IF_ERROR(repo_.update(row));
  return CreatedEndpoint{std::move(row), secret};
}

Result<std::vector<std::string>> EndpointService::signingSecrets(
    const storage::WebhookEndpointRow& row, std::int64_t now_ms) const {
  std::vector<std::string> out;
  AISAFE_TRY(std::string current, box_.open(row.secret));
  out.push_back(std::move(current));
  if (row.previous_secret && row.previous_expires_at && *row.previous_expires_at > now_ms) {
    if (auto previous = box_.open(*row.previous_secret)) {
      out.push_back(std::move(*previous));
    }
  }
  return out;
}

bool EndpointService::subscribed(const std::string& organization_id, const std::string& type) {
  const auto now = clock::coarseSteadyNow();  // on every validation; a TTL needs no precision
  const std::string quoted = "\"" + type + "\"";
  {
    std::lock_guard lock(subs_mu_);
    if (auto it = subs_.find(organization_id);
        it != subs_.end() && now - it->second.fetched < std::chrono::seconds(5)) {
      return it->second.types.find(quoted) != std::string::npos;
    }
  }
  Subscriptions fresh{"", now};
  if (auto rows = repo_.list(organization_id)) {
    for (const auto& r : *rows) {
      if (r.enabled) {
        fresh.types += r.events;
      }
    }
  }
  // On a database error the organization counts as subscribed to nothing for a few seconds:
  // the validation path must not wait on it.
  std::lock_guard lock(subs_mu_);
  subs_[organization_id] = fresh;
  return fresh.types.find(quoted) != std::string::npos;
}

void EndpointService::forgetSubscriptions(const std::string& organization_id) {
  std::lock_guard lock(subs_mu_);
  subs_.erase(organization_id);
}

json::object toJson(const storage::WebhookEndpointRow& row) {
  json::object o;
  o["id"] = row.id;
  o["url"] = row.url;
  o["description"] = row.description;
  boost::system::error_code ec;
  json::value events = json::parse(row.events, ec);
  o["events"] = ec ? json::value(json::array()) : std::move(events);
  o["enabled"] = row.enabled;
  o["consecutive_failures"] = row.consecutive_failures;
  o["disabled_reason"] =
      row.disabled_reason ? json::value(*row.disabled_reason) : json::value(nullptr);
  o["secret_rotation_ends_at"] =
      row.previous_expires_at && *row.previous_expires_at > clock::nowMs()
          ? json::value(clock::toRfc3339(*row.previous_expires_at))
          : json::value(nullptr);
  o["created_at"] = clock::toRfc3339(row.created_at);
  o["updated_at"] = clock::toRfc3339(row.updated_at);
  return o;
}

}  // namespace aisafe::webhooks
