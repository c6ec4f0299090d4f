-- Undoes 008_policy_change_indexes.
DROP INDEX policies_updated_idx;
DROP INDEX policies_organization_updated_idx;
DROP INDEX policies_organization_default_idx;
