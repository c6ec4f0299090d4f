-- Undoes 006_drop_unused_validation_indexes.
CREATE INDEX validations_created_idx ON validations (created_at, id);
CREATE INDEX validations_decision_created_idx ON validations (decision, created_at);
