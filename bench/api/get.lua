-- wrk script: authenticated GET of one record (also used, unchanged, against nginx so both
-- servers parse the same request bytes). Env: BENCH_TOKEN, BENCH_PATH.
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH") or "/"

wrk.method = "GET"
wrk.path = path
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"
-- No request() function: wrk then formats the request once, after adding the Host header
-- (a wrk.format() at load time would run before that and send HTTP/1.1 without Host).
