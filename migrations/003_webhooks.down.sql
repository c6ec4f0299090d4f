-- Undoes 003_webhooks.
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
ALTER TABLE webhook_endpoints DROP COLUMN created_by;
ALTER TABLE webhook_endpoints DROP COLUMN disabled_reason;
ALTER TABLE webhook_endpoints DROP COLUMN consecutive_failures;
ALTER TABLE webhook_endpoints DROP COLUMN previous_expires_at;
ALTER TABLE webhook_endpoints DROP COLUMN previous_secret;
