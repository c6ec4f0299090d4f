// Organizations and their members: creation (always with a default policy and, at registration,
// an owner), settings, invitations, role changes and removal with the last-owner rule.
// Every call is scoped by the caller's organization id; the routes never let one organization
// name another's resources.
// Methods touch the database: call them off the I/O threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "policy/policy_service.h"
#include "storage/organization_repository.h"
#include "storage/user_repository.h"

namespace aisafe::tenancy {

// The settings an organization may carry; unknown keys are refused.
struct OrganizationSettings {
  std::optional<std::string> default_policy_id;
  std::optional<std::int64_t> rate_limit_per_minute;
  std::optional<std::int64_t> characters_per_minute;
  std::optional<std::int64_t> audit_retention_days;
  std::optional<bool> log_raw_text;
};

Result<OrganizationSettings> parseSettings(const boost::json::value& v);
boost::json::object toJson(const OrganizationSettings& s);
boost::json::object toJson(const storage::OrganizationRow& org);
boost::json::object memberJson(const storage::UserRow& u);

// An invitation as created: the token is shown this once, only its hash is stored.
struct CreatedInvitation {
  storage::InvitationRow row;
  std::string token;
};

class OrganizationService {
 public:
  OrganizationService(storage::OrganizationRepository& orgs, storage::UserRepository& users,
                      policy::PolicyService& policies)
      : orgs_(orgs), users_(users), policies_(policies) {}

  // A new organization with its default policy and, when given, its owner (registration).
  Result<storage::OrganizationRow> create(const std::string& name,
                                          const std::optional<storage::UserRow>& owner);
  Result<storage::OrganizationRow> get(const std::string& id);
  Result<std::vector<storage::OrganizationRow>> list();
  // Changes name and/or settings (merged over the stored ones; a null removes a setting).
  Result<storage::OrganizationRow> update(const std::string& id, const boost::json::object& patch);

  // The organization's settings for the request path (rate limits), cached for `ttl`: an
  // update through this service clears the entry at once, other replicas see it within the TTL
  // (or at once, through the cache's announcements). With the database away the last known
  // settings (or none) are served for another TTL instead of asking on every request.
  Result<OrganizationSettings> cachedSettings(const std::string& id);
  void setSettingsCacheTtl(std::chrono::milliseconds ttl) { settings_ttl_ = ttl; }
  // Drops the cached settings of `id` (another replica changed them).
  void forgetSettings(const std::string& id) {
    std::lock_guard lock(settings_mu_);
    settings_cache_.erase(id);
  }

  Result<std::vector<storage::UserRow>> members(const std::string& organization_id);
  Result<CreatedInvitation> invite(const std::string& organization_id, const std::string& email,
                                   const std::string& role, const std::string& invited_by,
                                   std::int64_t valid_for_ms);
  // `actor_role`: admins manage members up to admin; only owners make or unmake owners.
  Status changeRole(const std::string& organization_id, const std::string& actor_role,
                    const std::string& user_id, const std::string& role);
  Status removeMember(const std::string& organization_id, const std::string& actor_role,
                      const std::string& user_id);

 private:
  storage::OrganizationRepository& orgs_;
  storage::UserRepository& users_;
  policy::PolicyService& policies_;

  struct CachedSettings {
    OrganizationSettings settings;
    std::chrono::steady_clock::time_point fetched;
  };
  std::chrono::milliseconds settings_ttl_{5000};
  std::mutex settings_mu_;
  std::map<std::string, CachedSettings, std::less<>> settings_cache_;
};

// Lowercases and checks an email address (one @, no spaces or controls, at most 254 bytes).
Result<std::string> normalizeEmail(std::string_view email);

}  // namespace aisafe::tenancy
