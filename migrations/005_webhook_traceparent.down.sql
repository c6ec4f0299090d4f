-- Undoes 005_webhook_traceparent.
ALTER TABLE webhook_events DROP COLUMN traceparent;
