-- Every read of the audit table names one organization (tenants never see each other's rows),
-- so it goes through validations_organization_created_idx (organization_id, created_at, id):
-- the listing with or without a decision filter, and retention. The two indexes from
-- 001_initial that lead with created_at or decision serve no query, yet every audit row paid
-- for them: two of the five B-trees each insert updated. Same on SQLite and PostgreSQL.
DROP INDEX validations_created_idx;
DROP INDEX validations_decision_created_idx;
