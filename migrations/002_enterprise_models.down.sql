-- Undoes 002_enterprise_models. Policies of organizations other than the default one are
-- deleted first: without the organization column they would become visible to everyone.
ALTER TABLE validations DROP COLUMN user_id;
ALTER TABLE validations DROP COLUMN api_key_id;
DROP INDEX validations_organization_created_idx;
DROP INDEX policies_organization_idx;
DELETE FROM policy_versions WHERE policy_id IN (SELECT id FROM policies WHERE organization_id <> '{{DEFAULT_ORGANIZATION_ID}}');
DELETE FROM policies WHERE organization_id <> '{{DEFAULT_ORGANIZATION_ID}}';
ALTER TABLE policies DROP COLUMN organization_id;
DROP TABLE login_failures;
DROP TABLE rate_limit_logs;
DROP TABLE webhook_endpoints;
DROP TABLE api_keys;
DROP TABLE invitations;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE organizations;
