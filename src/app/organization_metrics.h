// Validations by organization in /metrics: aisafe_validations_by_organization_total
// {organization_id, decision}, counted by the request observer from what the validation
// handler recorded on the request (its organization and decision). Organization ids are
// bounded by the number of tenants, which someone creates, not by traffic; a deployment with
// very many tenants turns the family off with METRICS_ORGANIZATION_LABEL=false (the totals
// stay in aisafe_validations_total).
#pragma once

#include <functional>

#include "app/services.h"
#include "http/request_context.h"

namespace aisafe::app {

// Registers the family and returns what the request observer calls for every request (it
// counts only validations); an empty function when METRICS_ORGANIZATION_LABEL=false.
std::function<void(const http::RequestContext&)> organizationValidationCounter(Services& s);

}  // namespace aisafe::app
