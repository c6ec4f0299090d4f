// Webhook endpoints of an organization: create (the signing secret is returned this once),
// list, get, update, delete, and secret rotation (the previous secret keeps signing for a grace
// period so receivers can switch without losing a message). URLs are checked when stored:
// https only (http with allow_http), no credentials, and no loopback, private, link-local or
// metadata address, whether written plainly or as inet_aton() reads numbers (2130706433, 127.1),
// nor an internal name such as localhost or metadata.google.internal (unless allow_private).
// The delivery worker checks the resolved address again at connect time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/status.h"
#include "storage/webhook_endpoint_repository.h"
#include "webhooks/secret_box.h"

namespace aisafe::webhooks {

// The event types an endpoint may subscribe to.
const std::vector<std::string>& eventTypes();

struct EndpointOptions {
  bool allow_http = false;
  bool allow_private = false;
  std::int64_t rotation_grace_ms = std::int64_t{24} * 3'600'000;
};

struct CreatedEndpoint {
  storage::WebhookEndpointRow row;
  std::string secret;  // shown once
};

class EndpointService {
 public:
  EndpointService(storage::WebhookEndpointRepository& repo, const SecretBox& box,
                  EndpointOptions options)
      : repo_(repo), box_(box), options_(options) {}

  // `fields`: url, events, description?, enabled?. 422 naming the field when one is wrong.
  Result<CreatedEndpoint> create(const std::string& organization_id,
                                 const boost::json::object& fields, const std::string& created_by);
  Result<storage::WebhookEndpointRow> get(const std::string& organization_id,
                                          const std::string& id);
  Result<std::vector<storage::WebhookEndpointRow>> list(const std::string& organization_id);
  // `patch`: any of url, events, description, enabled. Re-enabling clears the failure count.
  Result<storage::WebhookEndpointRow> update(const std::string& organization_id,
                                             const std::string& id,
                                             const boost::json::object& patch);
  Status remove(const std::string& organization_id, const std::string& id);
  Result<CreatedEndpoint> rotateSecret(const std::string& organization_id, const std::string& id);

  // The secrets that sign now: the current one, and the previous one during its grace period.
  Result<std::vector<std::string>> signingSecrets(const storage::WebhookEndpointRow& row,
                                                  std::int64_t now_ms) const;

  // Checks a URL for storing (see the header comment); the message names the problem.
  Status checkUrl(const std::string& url) const;

  // Whether an enabled endpoint of the organization takes `type`: asked on the validation path
  // before queueing an event, so it is cached (a few seconds; cleared by changes made here, and
  // by forgetSubscriptions() when another replica announces one).
  bool subscribed(const std::string& organization_id, const std::string& type);
  void forgetSubscriptions(const std::string& organization_id);

 private:
  storage::WebhookEndpointRepository& repo_;
  const SecretBox& box_;
  EndpointOptions options_;

  struct Subscriptions {
    std::string types;  // the enabled endpoints' event arrays, concatenated
    std::chrono::steady_clock::time_point fetched;
  };
  std::mutex subs_mu_;
  std::map<std::string, Subscriptions> subs_;
};

// The public view of an endpoint: never a secret.
boost::json::object toJson(const storage::WebhookEndpointRow& row);

}  // namespace aisafe::webhooks
