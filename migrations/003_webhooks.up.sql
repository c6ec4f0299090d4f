-- Webhook endpoints gain what rotation and failure tracking need. Signing secrets are stored
-- encrypted (AES-256-GCM under a key derived from SECRET_KEY), never in the clear: they must be
-- readable to sign, so a hash would not do.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN previous_expires_at BIGINT;
ALTER TABLE webhook_endpoints ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN disabled_reason TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
