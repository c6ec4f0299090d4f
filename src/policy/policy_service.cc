#include "policy/policy_service.h"

#include <mutex>
#include <set>

#include <boost/json.hpp>

#include "core/clock.h"
#include "core/ids.h"

namespace aisafe::policy {
namespace json = boost::json;

json::object toJson(const StoredPolicy& p) {
  json::object o;
  o["id"] = p.id;
  o["version"] = p.version;
  o["is_default"] = p.is_default;
  for (auto& [k, v] : toJson(p.spec)) o[k] = v;
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
  if (ec) return internalError("stored policy " + row.id + " is not valid JSON");
  auto spec = parsePolicySpec(doc, *registry_);
  if (!spec) {
    return internalError("stored policy " + row.id + " v" + std::to_string(row.version) +
                         " is invalid: " + spec.status().message());
  }
  return StoredPolicy{row.id,         row.version,    row.is_default,
                      row.created_at, row.updated_at, std::move(spec).value()};
}

Result<std::shared_ptr<const CompiledPolicy>> PolicyService::compileRow(
    const storage::PolicyRow& row) const {
  AISAFE_TRY(StoredPolicy p, fromRow(row));
  return compilePolicy(p.id, p.version, std::move(p.spec), *registry_);
}

void PolicyService::install(std::shared_ptr<const CompiledPolicy> compiled) {
  std::unique_lock lock(mu_);
  auto& slot = cache_[compiled->id];
  // Never go back: a slower refresh must not replace a newer version installed by a write.
  if (!slot || slot->version <= compiled->version) slot = std::move(compiled);
}

Status PolicyService::loadAll() {
  AISAFE_TRY(auto rows, repo_.list());
  for (const auto& row : rows) {
    AISAFE_TRY(auto compiled, compileRow(row));
    install(std::move(compiled));
  }
  return Status::ok();
}

Result<int> PolicyService::refresh() {
  AISAFE_TRY(auto rows, repo_.list());
  int changed = 0;
  std::set<std::string> live;
  for (const auto& row : rows) {
    live.insert(row.id);
    {
      std::shared_lock lock(mu_);
      auto it = cache_.find(row.id);
      if (it != cache_.end() && it->second->version >= row.version) continue;
    }
    auto compiled = compileRow(row);
    if (!compiled) continue;  // keep serving the last good version
    install(std::move(compiled).value());
    ++changed;
  }
  std::unique_lock lock(mu_);
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

Result<std::shared_ptr<const CompiledPolicy>> PolicyService::compiled(const std::string& id) {
  const std::string& key = id.empty() ? std::string(kDefaultPolicyId) : id;
  std::shared_lock lock(mu_);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  return notFound("policy " + key + " not found");
}

Result<StoredPolicy> PolicyService::create(const json::value& document) {
  AISAFE_TRY(PolicySpec spec, parsePolicySpec(document, *registry_));
  storage::PolicyRow row;
  row.id = ids::random("pol_");
  row.name = spec.name;
  row.version = 1;
  row.document = json::serialize(toJson(spec));
  row.created_at = row.updated_at = clock::nowMs();
  // Compile before storing: a policy that cannot run is never saved.
  AISAFE_TRY(auto compiled, compilePolicy(row.id, 1, spec, *registry_));
  AISAFE_RETURN_IF_ERROR(repo_.create(row));
  install(std::move(compiled));
  notify({PolicyEvent::Kind::kCreated, row.id, 1});
  return StoredPolicy{row.id, 1, false, row.created_at, row.updated_at, std::move(spec)};
}

Result<StoredPolicy> PolicyService::update(const std::string& id, const json::value& document) {
  AISAFE_TRY(PolicySpec spec, parsePolicySpec(document, *registry_));
  // Compile before storing, once; the stored version number is filled in afterwards.
  AISAFE_TRY(auto checked, compilePolicy(id, 0, spec, *registry_));
  AISAFE_TRY(auto row, repo_.update(id, spec.name, json::serialize(toJson(spec))));
  auto compiled = std::make_shared<CompiledPolicy>(*checked);
  compiled->version = row.version;
  install(std::move(compiled));
  notify({PolicyEvent::Kind::kUpdated, id, row.version});
  return fromRow(row);
}

Status PolicyService::remove(const std::string& id) {
  AISAFE_TRY(auto row, repo_.get(id));
  if (row.is_default) {
    return Status(StatusCode::kConflict, "the default policy cannot be deleted; update it instead");
  }
  AISAFE_RETURN_IF_ERROR(repo_.remove(id));
  {
    std::unique_lock lock(mu_);
    cache_.erase(id);
  }
  notify({PolicyEvent::Kind::kDeleted, id, row.version});
  return Status::ok();
}

Result<StoredPolicy> PolicyService::get(const std::string& id) {
  AISAFE_TRY(auto row, repo_.get(id));
  return fromRow(row);
}

Result<std::vector<StoredPolicy>> PolicyService::list() {
  AISAFE_TRY(auto rows, repo_.list());
  std::vector<StoredPolicy> out;
  for (const auto& row : rows) {
    AISAFE_TRY(auto p, fromRow(row));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<PolicyVersion>> PolicyService::versions(const std::string& id) {
  AISAFE_TRY(auto rows, repo_.versions(id));
  std::vector<PolicyVersion> out;
  for (const auto& v : rows) {
    storage::PolicyRow row{id, "", v.version, false, v.document, v.created_at, v.created_at};
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
  for (const auto& l : listeners) l(e);
}

}  // namespace aisafe::policy
