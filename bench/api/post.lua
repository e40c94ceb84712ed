-- wrk script: POST create with a unique code per request.
-- Env: BENCH_TOKEN, BENCH_PATH (e.g. /api/v1/areas), BENCH_BODY (a JSON record whose "code"
-- is the placeholder @CODE@ and whose "name" contains @N@), BENCH_RUN (tag making codes unique
-- across runs against the same database).
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH") or "/api/v1/areas"
local template = os.getenv("BENCH_BODY") or "{}"
local run = os.getenv("BENCH_RUN") or "r"

local next_id = 0

-- setup() runs in the main Lua state once per thread: give each thread its own id.
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

local counter = 0
local headers = {
  ["Authorization"] = "Bearer " .. token,
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json",
}

function request()
  counter = counter + 1
  local n = string.format("%s-%d-%d", run, tid or 0, counter)
  local body = template:gsub("@CODE@", "BENCH-" .. n):gsub("@N@", n)
  return wrk.format("POST", path, headers, body)
end
