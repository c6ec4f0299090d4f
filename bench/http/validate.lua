-- wrk script: POST /api/v1/validate with a distinct ~1 KB prompt on every request, so no
-- cache could answer for the server.
local base = string.rep("Please summarise the quarterly report for the leadership team and list the risks. ", 13)
local counter = 0
local headers = { ["Content-Type"] = "application/json" }
-- With AISAFE_KEY set, every request authenticates with that API key.
local key = os.getenv("AISAFE_KEY")
if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

function request()
  counter = counter + 1
  local body = '{"prompt":"' .. string.sub(base, 1, 1000) .. " request " .. id .. "-" .. counter .. '"}'
  return wrk.format("POST", "/api/v1/validate", headers, body)
end
