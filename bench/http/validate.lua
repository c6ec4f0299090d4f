-- wrk script: POST /api/v1/validate with a distinct prompt on every request, so no cache could
-- answer for the server (unless SAME_PROMPT=1 asks for exactly that).
-- PROMPT_BYTES (default 1000) sets the size of the text.
local size = tonumber(os.getenv("PROMPT_BYTES") or "1000")
local base = string.rep("Please summarise the quarterly report for the leadership team and list the risks. ",
                        math.ceil(size / 80) + 1)
local counter = 0
local headers = { ["Content-Type"] = "application/json" }
-- With AISAFE_KEY set, every request authenticates with that API key.
local key = os.getenv("AISAFE_KEY")
if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end

-- With POLICY_ID set, every request names that policy.
local policy = os.getenv("POLICY_ID")
local policy_field = (policy and policy ~= "") and (',"policy_id":"' .. policy .. '"') or ""

-- With SAME_PROMPT=1 every request sends the same text (the cached case).
local same = os.getenv("SAME_PROMPT") == "1"

function setup(thread)
  thread:set("id", same and 1 or math.random(1, 1000000))
end

function request()
  if not same then counter = counter + 1 end
  local body = '{"prompt":"' .. string.sub(base, 1, size) .. " request " .. id .. "-" .. counter .. '"' .. policy_field .. '}'
  return wrk.format("POST", "/api/v1/validate", headers, body)
end
