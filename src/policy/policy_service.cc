#include "policy/policy_service.h"

#include <mutex>
#include <set>

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
                             std::shared_ptr<const detect::Registry> registry)
    : repo_(repo), registry_(std::move(registry)) {}

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

void PolicyService::install(const std::string& organization_id,
                            std::shared_ptr<const CompiledPolicy> compiled) {
  std::unique_lock lock(mu_);
  auto& slot = cache_[compiled->id];
  // Never go back: a slower refresh must not replace a newer version installed by a write.
  if (!slot.compiled || slot.compiled->version <= compiled->version) {
    slot = Entry{organization_id, std::move(compiled)};
  }
}

Status PolicyService::loadAll() {
  AISAFE_TRY(auto rows, repo_.listAll());
  std::map<std::string, std::string> defaults;
  for (const auto& row : rows) {
    AISAFE_TRY(auto compiled, compileRow(row));
    install(row.organization_id, std::move(compiled));
    if (row.is_default) {
      defaults[row.organization_id] = row.id;
    }
  }
  std::unique_lock lock(mu_);
  default_ids_ = std::move(defaults);
  return Status::ok();
}

Status PolicyService::reloadOrganization(const std::string& organization_id) {
  AISAFE_TRY(auto rows, repo_.list(organization_id));
  for (const auto& row : rows) {
    AISAFE_TRY(auto compiled, compileRow(row));
    install(row.organization_id, std::move(compiled));
    if (row.is_default) {
      std::unique_lock lock(mu_);
      default_ids_[organization_id] = row.id;
    }
  }
  return Status::ok();
}

Result<int> PolicyService::refresh() {
  AISAFE_TRY(auto rows, repo_.listAll());
  int changed = 0;
  std::set<std::string> live;
  std::map<std::string, std::string> defaults;
  for (const auto& row : rows) {
    live.insert(row.id);
    if (row.is_default) {
      defaults[row.organization_id] = row.id;
    }
    {
      std::shared_lock lock(mu_);
      auto it = cache_.find(row.id);
      if (it != cache_.end() && it->second.compiled->version >= row.version) {
        continue;
      }
    }
    auto compiled = compileRow(row);
    if (!compiled) {
      continue;  // keep serving the last good version
    }
    install(row.organization_id, std::move(compiled).value());
    ++changed;
  }
  std::unique_lock lock(mu_);
  if (defaults != default_ids_) {
    default_ids_ = std::move(defaults);
    ++changed;
  }
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (live.count(it->first) == 0) {
      it = cache_.erase(it);
      ++changed;
    } else {
      ++it;
    }
  }
  return changed;
}

std::shared_ptr<const CompiledPolicy> PolicyService::cached(const std::string& organization_id,
                                                            const std::string& id) const {
  std::shared_lock lock(mu_);
  const std::string* key = &id;
  if (id.empty()) {
    auto d = default_ids_.find(organization_id);
    if (d == default_ids_.end()) {
      return nullptr;
    }
    key = &d->second;
  }
  if (auto it = cache_.find(*key);
      it != cache_.end() && it->second.organization_id == organization_id) {
    return it->second.compiled;
  }
  return nullptr;
}

Result<std::shared_ptr<const CompiledPolicy>> PolicyService::compiled(
    const std::string& organization_id, const std::string& id) {
  if (auto hit = cached(organization_id, id)) {
    return hit;
  }
  // Not known here. Another replica may have made it a moment ago, its announcement still on
  // the way: read it through from the database before answering "not found", so that "create,
  // then use" works behind a load balancer. Bounded, so that a stream of unknown ids costs at
  // most kReadThroughsPerSecond queries a second, not one each.
  if (!readThroughAllowed()) {
    return notFound(id.empty() ? "the organization has no default policy"
                               : "policy " + id + " not found");
  }
  if (id.empty()) {
    AISAFE_RETURN_IF_ERROR(reloadOrganization(organization_id));
  } else {
    auto row = repo_.get(organization_id, id);
    if (!row) {
      return row.status();
    }
    AISAFE_TRY(auto fresh, compileRow(*row));
    install(organization_id, std::move(fresh));
  }
  if (auto hit = cached(organization_id, id)) {
    return hit;
  }
  return notFound(id.empty() ? "the organization has no default policy"
                             : "policy " + id + " not found");
}

bool PolicyService::readThroughAllowed() {
  const std::int64_t second = clock::nowMs() / 1000;
  std::lock_guard lock(read_through_mu_);
  if (second != read_through_second_) {
    read_through_second_ = second;
    read_throughs_ = 0;
  }
  return ++read_throughs_ <= kReadThroughsPerSecond;
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
  std::unique_lock lock(mu_);
  default_ids_[organization_id] = id;
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
  install(organization_id, std::move(compiled));
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
  install(organization_id, std::move(compiled));
  notify({PolicyEvent::Kind::kUpdated, organization_id, id, row.version});
  return fromRow(row);
}

Status PolicyService::remove(const std::string& organization_id, const std::string& id) {
  AISAFE_TRY(auto row, repo_.get(organization_id, id));
  if (row.is_default) {
    return Status(StatusCode::kConflict, "the default policy cannot be deleted; update it instead");
  }
  AISAFE_RETURN_IF_ERROR(repo_.remove(organization_id, id));
  {
    std::unique_lock lock(mu_);
    cache_.erase(id);
  }
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
