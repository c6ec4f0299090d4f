-- Organizations whose default policy is still the one migration 004 wrote get the new default:
-- the adversarial_suffix detector on (optimized GCG/DSN suffixes, docs/detection.md). A policy
-- anyone has edited keeps its document; its owners opt in by adding "adversarial_suffix".
-- The upgrade is a new version, so the history shows it and caches keyed by version move on.
INSERT INTO policy_versions (policy_id, version, document, created_at)
SELECT p.id, p.current_version + 1,
       '{"name":"default","detectors":["prompt_injection","injection_classifier","adversarial_suffix","indirect_injection","pii","secrets","invisible_text","custom"],"actions":{"custom":"block","invisible_text":"block","jailbreak":"block","pii":"redact","prompt_injection":"block","secrets":"block","system_prompt_leak":"block"},"thresholds":{"min_severity":"low","min_score":5E-1},"custom":{"keywords":[],"regexes":[]},"log_raw_text":false}',
       {{NOW_MS}}
FROM policies p
JOIN policy_versions v ON v.policy_id = p.id AND v.version = p.current_version
WHERE v.document = '{"name":"default","detectors":["prompt_injection","injection_classifier","indirect_injection","pii","secrets","invisible_text","custom"],"actions":{"custom":"block","invisible_text":"block","jailbreak":"block","pii":"redact","prompt_injection":"block","secrets":"block","system_prompt_leak":"block"},"thresholds":{"min_severity":"low","min_score":5E-1},"custom":{"keywords":[],"regexes":[]},"log_raw_text":false}';

UPDATE policies SET current_version = current_version + 1, updated_at = {{NOW_MS}}
WHERE EXISTS (SELECT 1 FROM policy_versions v
              WHERE v.policy_id = policies.id AND v.version = policies.current_version + 1);
