// Builds what replicas share or protect themselves with: the circuit breaker registry, the Redis
// client (with REDIS_URL), the two-level cache and the invalidations it carries between
// replicas (API keys, policies, organization settings), the rate limiter (Redis-shared or in
// process), and the batched log of limit hits, with their metrics.
#pragma once

#include "app/services.h"

namespace aisafe::app {

// The breaker registry first: the semantic detector's client, built with the detector registry,
// takes its breaker from it.
void createBreakers(Services& s);
// The rest; createBreakers() must have run.
Status createSharedState(Services& s);

}  // namespace aisafe::app
