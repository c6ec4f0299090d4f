-- A webhook event remembers the W3C traceparent of the request that caused it (NULL when that
-- request was not traced), so the deliveries the worker sends later, from another process and
-- maybe hours after, continue the same trace and carry it to the receiver. Same on SQLite and
-- PostgreSQL.
ALTER TABLE webhook_events ADD COLUMN traceparent TEXT;
