#include "policy/policy_service.h"

#include <algorithm>
#include <mutex>

#include <boost/json.hpp>

#include "core/clock.h"
#include "crypto/random_ids.h"

namespace aisafe::policy {
namespace json = boost::json;

json::object toJson(const StoredPolicy& p) {
  json::object o;
  o["id"] = p.id;
  o["version"] = p.version;
  o["is_default"] = p.is_default;
  for (auto& [k, v] : toJson(p.spec)) {
    o[k] = v;
  }
  o["created_at"] = clock::toRfc3339(p.created_at);
  o["updated_at"] = clock::toRfc3339(p.updated_at);
  return o;
}

PolicyService::PolicyService(storage::PolicyRepository& repo,
                             std::shared_ptr<const detect::Registry> registry,
                             PolicyServiceOptions options)
    : repo_(repo),
      registry_(std::move(registry)),
      cache_(options.max_compiled),
      misses_(options.misses_per_second),
      refreshed_from_(clock::nowMs()) {}

Result<StoredPolicy> PolicyService::fromRow(const storage::PolicyRow& row) const {
  boost::system::error_code ec;
  json::value doc = json::parse(row.document, ec);
  if (ec) {
    return internalError("stored policy " + row.id + " is not valid JSON");
  }
  auto spec = parsePolicySpec(doc, *registry_);
  if (!spec) {
    return internalError("stored policy " + row.id + " v" + std::to_string(row.version) +
                         " is invalid: " + spec.status().message());
  }
  return StoredPolicy{
      row.id,         row.organization_id,    row.version, row.is_default, row.created_at,
      row.updated_at, std::move(spec).value()};
}

Result<std::shared_ptr<const CompiledPolicy>> PolicyService::compileRow(
    const storage::PolicyRow& row) const {
  AISAFE_TRY(StoredPolicy p, fromRow(row));
  return compilePolicy(p.id, p.version, std::move(p.spec), *registry_);
}

void PolicyService::rememberDefault(const std::string& organization_id, const std::string& id) {
  std::unique_lock lock(mu_);
  if (default_ids_.size() >= kMaxDefaultIds && default_ids_.count(organization_id) == 0) {
    default_ids_.clear();
  }
  default_ids_[organization_id] = id;
}

Status PolicyService::warmUp(const std::string& default_organization_id) {
  {
    std::unique_lock lock(mu_);
    refreshed_from_ = clock::nowMs();
  }
  auto row = repo_.getDefault(default_organization_id);
  if (!row) {
    // /ready says "not compiled" until one is set; the start itself is not refused.
    return row.status().code() == StatusCode::kNotFound ? Status::ok() : row.status();
  }
  AISAFE_TRY(auto compiled, compileRow(*row));
  cache_.install(default_organization_id, std::move(compiled));
  rememberDefault(default_organization_id, row->id);
  return Status::ok();
}

Result<int> PolicyService::apply(const std::vector<storage::PolicyChangeRow>& changes) {
  int changed = 0;
  for (const auto& c : changes) {
    // A policy that is no longer (or no longer the) default: the next use reads the default again.
    bool forget_default = false;
    bool new_default = false;
    {
      std::shared_lock lock(mu_);
      auto d = default_ids_.find(c.organization_id);
      if (d != default_ids_.end()) {
        forget_default = d->second == c.id && (c.deleted || !c.is_default);
        new_default = d->second != c.id && !c.deleted && c.is_default;
      }
    }
    if (forget_default || new_default) {
      std::unique_lock lock(mu_);
      if (forget_default) {
        default_ids_.erase(c.organization_id);
      } else {
        default_ids_[c.organization_id] = c.id;
      }
      ++changed;
    }
    const std::optional<int> held = cache_.version(c.id);
    if (!held) {
      continue;  // not compiled here: its next use reads the current version
    }
    if (c.deleted) {
      cache_.erase(c.id);
      ++changed;
      continue;
    }
    if (*held >= c.version) {
      continue;
    }
    auto row = repo_.get(c.organization_id, c.id);
    if (!row) {
      if (row.status().code() == StatusCode::kNotFound) {
        continue;  // deleted meanwhile: the next refresh sees the delete
      }
      return row.status();  // unreachable: the refresh fails, and the next one reads this again
    }
    auto compiled = compileRow(*row);
    if (!compiled) {
      continue;  // keep serving the last good version
    }
    cache_.install(c.organization_id, std::move(compiled).value());
    ++changed;
  }
  return changed;
}

Result<int> PolicyService::refresh() {
  const std::int64_t started = clock::nowMs();
  std::int64_t since = 0;
  {
    std::shared_lock lock(mu_);
    since = refreshed_from_ - kChangeWindowMs;
  }
  AISAFE_TRY(auto changes, repo_.changedSince(since));
  AISAFE_TRY(const int changed, apply(changes));
  // Only once it succeeded: after a database outage the next refresh reaches back past it.
  std::unique_lock lock(mu_);
  refreshed_from_ = std::max(refreshed_from_, started);
  return changed;
}

Result<int> PolicyService::refreshOrganization(const std::string& organization_id) {
  // The announcement follows the change's commit: the window back from now covers it.
  AISAFE_TRY(auto changes, repo_.changedSince(organization_id, clock::nowMs() - kChangeWindowMs));
  return apply(changes);
}

std::shared_ptr<const CompiledPolicy> PolicyService::cached(const std::string& organization_id,
                                                            const std::string& id) const {
  if (!id.empty()) {
    return cache_.find(organization_id, id);
  }
  // Looked up with mu_ held (shared), so the id is not copied on the validate path; the cache
  // has its own lock and never calls back, so the order mu_ -> cache is the only one.
  std::shared_lock lock(mu_);
  auto d = default_ids_.find(organization_id);
  if (d == default_ids_.end()) {
    return nullptr;
  }
  return cache_.find(organization_id, d->second);
}

Result<std::shared_ptr<const CompiledPolicy>> PolicyService::compiled(
    const std::string& organization_id, const std::string& id) {
  if (auto hit = cached(organization_id, id)) {
    return hit;
  }
  return readThrough(organization_id, id);
}

Result<std::shared_ptr<const CompiledPolicy>> PolicyService::readThrough(
    const std::string& organization_id, const std::string& id) {
  const auto not_found = [&] {
    return notFound(id.empty() ? "the organization has no default policy"
                               : "policy " + id + " not found");
  };
  // Unknown ids past the organization's budget cost no query; known ones are never refused
  // here, so a burst of first uses after a restart is served in full.
  if (misses_.exhausted(organization_id)) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return not_found();
  }
  auto row = id.empty() ? repo_.getDefault(organization_id) : repo_.get(organization_id, id);
  if (!row) {
    if (row.status().code() != StatusCode::kNotFound) {
      return row.status();
    }
    misses_.charge(organization_id);
    not_found_.fetch_add(1, std::memory_order_relaxed);
    return not_found();
  }
  AISAFE_TRY(auto fresh, compileRow(*row));
  loads_.fetch_add(1, std::memory_order_relaxed);
  cache_.install(organization_id, fresh);
  if (row->is_default) {
    rememberDefault(organization_id, row->id);
  }
  // A newer version a write installed meanwhile wins; else what was just compiled.
  if (auto hit = cache_.find(organization_id, row->id)) {
    return hit;
  }
  return fresh;
}

PolicyCacheStats PolicyService::stats() const {
  return PolicyCacheStats{.size = cache_.size(),
                          .capacity = cache_.capacity(),
                          .loads = loads_.load(std::memory_order_relaxed),
                          .not_found = not_found_.load(std::memory_order_relaxed),
                          .refused = refused_.load(std::memory_order_relaxed),
                          .evictions = cache_.evictions()};
}

storage::PolicyRow PolicyService::newDefaultPolicyRow(const std::string& organization_id) {
  storage::PolicyRow row;
  row.id = crypto::randomId("pol_");
  row.organization_id = organization_id;
  PolicySpec spec = defaultPolicySpec();
  row.name = spec.name;
  row.version = 1;
  row.is_default = true;
  row.document = json::serialize(toJson(spec));
  row.created_at = row.updated_at = clock::nowMs();
  return row;
}

Status PolicyService::setDefault(const std::string& organization_id, const std::string& id) {
  AISAFE_RETURN_IF_ERROR(repo_.setDefault(organization_id, id));
  rememberDefault(organization_id, id);
  return Status::ok();
}

Result<StoredPolicy> PolicyService::create(const std::string& organization_id,
                                           const json::value& document) {
  AISAFE_TRY(PolicySpec spec, parsePolicySpec(document, *registry_));
  storage::PolicyRow row;
  row.id = crypto::randomId("pol_");
  row.organization_id = organization_id;
  row.name = spec.name;
  row.version = 1;
  row.document = json::serialize(toJson(spec));
  row.created_at = row.updated_at = clock::nowMs();
  // Compile before storing: a policy that cannot run is never saved.
  AISAFE_TRY(auto compiled, compilePolicy(row.id, 1, spec, *registry_));
  AISAFE_RETURN_IF_ERROR(repo_.create(row));
  cache_.install(organization_id, std::move(compiled));
  notify({PolicyEvent::Kind::kCreated, organization_id, row.id, 1});
  return StoredPolicy{row.id,         organization_id, 1, false, row.created_at,
                      row.updated_at, std::move(spec)};
}

Result<StoredPolicy> PolicyService::update(const std::string& organization_id,
                                           const std::string& id, const json::value& document) {
  AISAFE_TRY(PolicySpec spec, parsePolicySpec(document, *registry_));
  // Compile before storing, once; the stored version number is filled in afterwards.
  AISAFE_TRY(auto checked, compilePolicy(id, 0, spec, *registry_));
  AISAFE_TRY(auto row, repo_.update(organization_id, id, spec.name, json::serialize(toJson(spec))));
  auto compiled = std::make_shared<CompiledPolicy>(*checked);
  compiled->version = row.version;
  cache_.install(organization_id, std::move(compiled));
  notify({PolicyEvent::Kind::kUpdated, organization_id, id, row.version});
  return fromRow(row);
}

Status PolicyService::remove(const std::string& organization_id, const std::string& id) {
  AISAFE_TRY(auto row, repo_.get(organization_id, id));
  if (row.is_default) {
    return Status(StatusCode::kConflict, "the default policy cannot be deleted; update it instead");
  }
  AISAFE_RETURN_IF_ERROR(repo_.remove(organization_id, id));
  cache_.erase(id);
  notify({PolicyEvent::Kind::kDeleted, organization_id, id, row.version});
  return Status::ok();
}

Result<StoredPolicy> PolicyService::get(const std::string& organization_id, const std::string& id) {
  AISAFE_TRY(auto row, repo_.get(organization_id, id));
  return fromRow(row);
}

Result<std::vector<StoredPolicy>> PolicyService::list(const std::string& organization_id) {
  AISAFE_TRY(auto rows, repo_.list(organization_id));
  std::vector<StoredPolicy> out;
  for (const auto& row : rows) {
    AISAFE_TRY(auto p, fromRow(row));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<PolicyVersion>> PolicyService::versions(const std::string& organization_id,
                                                           const std::string& id) {
  AISAFE_TRY(auto rows, repo_.versions(organization_id, id));
  std::vector<PolicyVersion> out;
  for (const auto& v : rows) {
    storage::PolicyRow row;
    row.id = id;
    row.organization_id = organization_id;
    row.version = v.version;
    row.document = v.document;
    row.created_at = row.updated_at = v.created_at;
    AISAFE_TRY(auto p, fromRow(row));
    out.push_back({v.version, v.created_at, std::move(p.spec)});
  }
  return out;
}

void PolicyService::onChange(std::function<void(const PolicyEvent&)> listener) {
  std::unique_lock lock(mu_);
  listeners_.push_back(std::move(listener));
}

void PolicyService::notify(const PolicyEvent& e) {
  std::vector<std::function<void(const PolicyEvent&)>> listeners;
  {
    std::shared_lock lock(mu_);
    listeners = listeners_;
  }
  for (const auto& l : listeners) {
    l(e);
  }
}

}  // namespace aisafe::policy
