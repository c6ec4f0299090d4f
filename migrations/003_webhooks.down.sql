-- Undoes 003_webhooks.
ALTER TABLE webhook_endpoints DROP COLUMN created_by;
ALTER TABLE webhook_endpoints DROP COLUMN disabled_reason;
ALTER TABLE webhook_endpoints DROP COLUMN consecutive_failures;
ALTER TABLE webhook_endpoints DROP COLUMN previous_expires_at;
ALTER TABLE webhook_endpoints DROP COLUMN previous_secret;
