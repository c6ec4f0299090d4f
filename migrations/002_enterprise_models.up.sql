-- 002_enterprise_models: organizations, users, sessions (refresh tokens), invitations, API keys,
-- webhook endpoints, rate-limit logs and login failures; policies gain their organization.
-- One file for SQLite and PostgreSQL (see 001). {{DEFAULT_ORGANIZATION_ID}} is replaced by the
-- migrator with DEFAULT_ORGANIZATION_ID: the organization that every existing row moves to.
-- Dialect note: policies.organization_id is added without a REFERENCES clause because SQLite
-- (with foreign_keys=ON) refuses ADD COLUMN ... REFERENCES with a non-NULL default and cannot
-- DROP COLUMN a column in a foreign key, which `migrate down` needs. The application is the
-- guard there; every table created here has its foreign keys.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

INSERT INTO organizations (id, name, settings, created_at, updated_at)
VALUES ('{{DEFAULT_ORGANIZATION_ID}}', 'Default organization', '{}', {{NOW_MS}}, {{NOW_MS}});

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id),
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  is_superadmin INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX users_email_idx ON users (email);
CREATE INDEX users_organization_idx ON users (organization_id);

-- One row per refresh token; a login starts a family, each refresh adds a member and spends the
-- previous one. Presenting a spent token revokes the family (it was stolen or replayed).
CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  revoked_at BIGINT
);

CREATE UNIQUE INDEX refresh_tokens_hash_idx ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  accepted_at BIGINT
);

CREATE UNIQUE INDEX invitations_hash_idx ON invitations (token_hash);
CREATE INDEX invitations_organization_idx ON invitations (organization_id);

-- Keys are stored as the SHA-256 of the key; the previous hash keeps working until
-- previous_expires_at after a rotation.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  previous_key_hash TEXT,
  previous_expires_at BIGINT,
  scopes TEXT NOT NULL,
  rate_limit_per_minute INTEGER,
  expires_at BIGINT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_used_at BIGINT,
  request_count BIGINT NOT NULL DEFAULT 0,
  revoked_at BIGINT
);

CREATE UNIQUE INDEX api_keys_hash_idx ON api_keys (key_hash);
CREATE INDEX api_keys_previous_hash_idx ON api_keys (previous_key_hash);
CREATE INDEX api_keys_prefix_idx ON api_keys (prefix);
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id);

CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  description TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE INDEX webhook_endpoints_organization_idx ON webhook_endpoints (organization_id);

CREATE TABLE rate_limit_logs (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  api_key_id TEXT REFERENCES api_keys (id) ON DELETE SET NULL,
  limit_name TEXT NOT NULL,
  route TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE INDEX rate_limit_logs_organization_created_idx ON rate_limit_logs (organization_id, created_at);
CREATE INDEX rate_limit_logs_api_key_idx ON rate_limit_logs (api_key_id);

-- Failed logins per subject ("email:..." or "ip:..."), for throttling that every replica
-- sharing the database sees and that never fails open.
CREATE TABLE login_failures (
  subject TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE INDEX login_failures_subject_created_idx ON login_failures (subject, created_at);

ALTER TABLE policies ADD COLUMN organization_id TEXT NOT NULL DEFAULT '{{DEFAULT_ORGANIZATION_ID}}';

CREATE INDEX policies_organization_idx ON policies (organization_id);
CREATE INDEX validations_organization_created_idx ON validations (organization_id, created_at, id);

ALTER TABLE validations ADD COLUMN api_key_id TEXT;

ALTER TABLE validations ADD COLUMN user_id TEXT;

UPDATE validations SET organization_id = '{{DEFAULT_ORGANIZATION_ID}}' WHERE organization_id <> '{{DEFAULT_ORGANIZATION_ID}}';
