-- Mints authorization codes through the real /authorize endpoint with a logged-in session:
-- every response's Location carries a fresh code, appended to codes-<thread>.txt.
-- env: TESSERA_SESSION (cookie value), TESSERA_AUTHORIZE_QUERY (query string), TESSERA_OUT (folder)
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("TESSERA_AUTHORIZE_PATH")
  wrk.method = "GET"
  wrk.path = path
  wrk.headers["Cookie"] = "tessera_session=" .. os.getenv("TESSERA_SESSION")
  out = io.open(os.getenv("TESSERA_OUT") .. "/codes-" .. id .. ".txt", "a")
  out:setvbuf("no")
  minted = 0
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"]
  if status == 302 and location then
    local code = string.match(location, "[?&]code=([^&]+)")
    if code then
      out:write(code, "\n")
      minted = minted + 1
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("minted") end
  io.write(string.format('{"minted": %d, "requests": %d}\n', total, summary.requests))
end
