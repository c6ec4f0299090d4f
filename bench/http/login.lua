-- wrk script: POST /api/v1/auth/login with the bench admin's credentials (BENCH_EMAIL,
-- BENCH_PASSWORD). Every request is a full bcrypt verification at the configured cost.
local body = string.format('{"email":"%s","password":"%s"}', os.getenv("BENCH_EMAIL"),
                           os.getenv("BENCH_PASSWORD"))
local headers = { ["Content-Type"] = "application/json" }

function request()
  return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
