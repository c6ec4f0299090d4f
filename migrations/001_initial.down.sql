-- Undoes 001_initial: drops everything it created, children first.
DROP INDEX validations_decision_created_idx;
DROP INDEX validations_created_idx;
DROP TABLE validations;
DROP TABLE policy_versions;
DROP TABLE policies;
