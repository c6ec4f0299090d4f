-- Undoes 007: policies whose current version is the upgrade it wrote, over 004's default, go
-- back to the previous version, and the upgrade's rows are removed.
UPDATE policies SET current_version = current_version - 1, updated_at = {{NOW_MS}}
WHERE EXISTS (SELECT 1 FROM policy_versions v
              WHERE v.policy_id = policies.id AND v.version = policies.current_version
                AND v.document = '{"name":"default","detectors":["prompt_injection","injection_classifier","adversarial_suffix","indirect_injection","pii","secrets","invisible_text","custom"],"actions":{"custom":"block","invisible_text":"block","jailbreak":"block","pii":"redact","prompt_injection":"block","secrets":"block","system_prompt_leak":"block"},"thresholds":{"min_severity":"low","min_score":5E-1},"custom":{"keywords":[],"regexes":[]},"log_raw_text":false}')
  AND EXISTS (SELECT 1 FROM policy_versions v
              WHERE v.policy_id = policies.id AND v.version = policies.current_version - 1
                AND v.document = '{"name":"default","detectors":["prompt_injection","injection_classifier","indirect_injection","pii","secrets","invisible_text","custom"],"actions":{"custom":"block","invisible_text":"block","jailbreak":"block","pii":"redact","prompt_injection":"block","secrets":"block","system_prompt_leak":"block"},"thresholds":{"min_severity":"low","min_score":5E-1},"custom":{"keywords":[],"regexes":[]},"log_raw_text":false}');

DELETE FROM policy_versions
WHERE document = '{"name":"default","detectors":["prompt_injection","injection_classifier","adversarial_suffix","indirect_injection","pii","secrets","invisible_text","custom"],"actions":{"custom":"block","invisible_text":"block","jailbreak":"block","pii":"redact","prompt_injection":"block","secrets":"block","system_prompt_leak":"block"},"thresholds":{"min_severity":"low","min_score":5E-1},"custom":{"keywords":[],"regexes":[]},"log_raw_text":false}'
  AND version > (SELECT p.current_version FROM policies p WHERE p.id = policy_versions.policy_id);
