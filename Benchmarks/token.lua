-- Drives POST /oauth/token. Modes (TESSERA_MODE):
--   exchange            the seed's code exchange, one fresh code per request (codes-*.txt)
--   dpop_exchange       the same with a DPoP proof header, one fresh code and proof per request (dpop-*.txt: "code proof")
--   refresh             one fresh refresh token per request (refresh-*.txt)
--   client_credentials  a machine client's token for an API
--   userinfo            GET /userinfo with one access token
-- Each thread takes every n-th line of the input, so no value is ever sent twice.
-- With TESSERA_KEEP set, refresh tokens from exchange responses are appended to refresh-<thread>.txt.
-- Prints one JSON line: requests, seconds, non-200 count, exhausted inputs, latency percentiles (us).
-- With several ports in TESSERA_PORTS (one per tessera node), thread i drives the i-th port (mod
-- their number): run one thread per node to spread the connections evenly over the nodes.
local counter = 0
local threads = {}
local ports = {}
for port in string.gmatch(os.getenv("TESSERA_PORTS") or "", "%d+") do table.insert(ports, port) end

function setup(thread)
  thread:set("id", counter)
  if #ports > 1 then
    thread.addr = wrk.lookup("127.0.0.1", ports[counter % #ports + 1])[1]
  end
  counter = counter + 1
  table.insert(threads, thread)
end

local function read_lines(prefix, id, stride)
  local values = {}
  local index = 0
  for file in io.popen('ls ' .. os.getenv("TESSERA_OUT") .. '/' .. prefix .. '-*.txt 2>/dev/null'):lines() do
    for line in io.lines(file) do
      if index % stride == id and #line > 0 then table.insert(values, line) end
      index = index + 1
    end
  end
  return values
end

function init(args)
  mode = os.getenv("TESSERA_MODE")
  stride = tonumber(os.getenv("TESSERA_THREADS"))
  basic = "Basic " .. os.getenv("TESSERA_BASIC")
  redirect_uri = os.getenv("TESSERA_REDIRECT_URI")
  non200 = 0
  exhausted = 0
  position = 0
  if mode == "exchange" then
    inputs = read_lines("codes", id, stride)
  elseif mode == "dpop_exchange" then
    inputs = read_lines("dpop", id, stride)
  elseif mode == "refresh" then
    inputs = read_lines("refresh", id, stride)
  end
  if os.getenv("TESSERA_KEEP") then
    keep = io.open(os.getenv("TESSERA_OUT") .. "/refresh-" .. id .. ".txt", "a")
    keep:setvbuf("no")
  end
end

local function next_input()
  position = position + 1
  return inputs[position]
end

function request()
  if mode == "client_credentials" then
    return wrk.format("POST", "/oauth/token", {["Authorization"] = basic, ["Content-Type"] = "application/x-www-form-urlencoded"},
      "grant_type=client_credentials&audience=" .. os.getenv("TESSERA_AUDIENCE"))
  elseif mode == "userinfo" then
    return wrk.format("GET", "/userinfo", {["Authorization"] = "Bearer " .. os.getenv("TESSERA_ACCESS_TOKEN")})
  end
  local value = next_input()
  if value == nil then
    exhausted = exhausted + 1
    return wrk.format("GET", "/healthz")
  end
  local body
  local headers = {["Authorization"] = basic, ["Content-Type"] = "application/x-www-form-urlencoded"}
  if mode == "dpop_exchange" then
    local code, proof = string.match(value, "^(%S+) (%S+)$")
    headers["DPoP"] = proof
    body = "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. redirect_uri
  elseif mode == "exchange" then
    body = "grant_type=authorization_code&code=" .. value .. "&redirect_uri=" .. redirect_uri
  else
    body = "grant_type=refresh_token&refresh_token=" .. value
  end
  return wrk.format("POST", "/oauth/token", headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif mode == "dpop_exchange" and not string.find(body, '"token_type":"DPoP"', 1, true) then
    -- A 200 that is not a DPoP-bound token would measure a plain exchange: count it as a failure.
    non200 = non200 + 1
  end
  if keep and status == 200 then
    local token = string.match(body, '"refresh_token":"([^"]+)"')
    if token then keep:write(token, "\n") end
  end
end

function done(summary, latency, requests)
  local bad, empty = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    empty = empty + thread:get("exhausted")
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non200": %d, "exhausted": %d, "socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration / 1e6, bad, empty,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
