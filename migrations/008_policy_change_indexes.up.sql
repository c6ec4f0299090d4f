-- Start-up no longer reads every policy: a replica compiles a policy when it is first used and
-- then follows only what changed (decision 0025). Three lookups serve that, each through its own
-- index instead of a walk over the table:
--  - the periodic refresh: policies whose updated_at is within the last minute;
--  - an announcement from another replica: the same, for one organization;
--  - an organization's default policy, at its first validation without a policy_id.
-- Deletes and changes of the default now move updated_at too (policy_repository.cc), so all
-- three kinds of change show in the first two. Same on SQLite and PostgreSQL.
CREATE INDEX policies_updated_idx ON policies (updated_at);
CREATE INDEX policies_organization_updated_idx ON policies (organization_id, updated_at);
CREATE INDEX policies_organization_default_idx ON policies (organization_id, is_default);
