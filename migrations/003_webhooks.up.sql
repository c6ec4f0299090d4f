-- Webhook endpoints gain what rotation and failure tracking need. Signing secrets are stored
-- encrypted (AES-256-GCM under a key derived from SECRET_KEY), never in the clear: they must be
-- readable to sign, so a hash would not do.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN previous_expires_at BIGINT;
ALTER TABLE webhook_endpoints ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN disabled_reason TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

-- The durable outbox: an event is written in the same transaction as the change that caused it
-- (or in batches, for validations), with one delivery per subscribed endpoint. The event id is
-- the webhook-id receivers see, stable across retries.
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE INDEX webhook_events_organization_created_idx ON webhook_events (organization_id, created_at);

-- status: pending (waiting or leased), succeeded, failed (the retry schedule ran out).
-- A worker claims a delivery by moving lease_until into the future; a conditional UPDATE is the
-- claim, so two workers never send the same attempt at once.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_status_code INTEGER,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at);

CREATE TABLE webhook_attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  status_code INTEGER,
  latency_ms BIGINT NOT NULL,
  error TEXT,
  response_excerpt TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);
