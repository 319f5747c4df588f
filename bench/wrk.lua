-- wrk script for bench/run.py: requests the paths given after "--" in turn, and counts the
-- answers by their X-Cache header (hit, miss, or none: not served through the page cache). A
-- page served after waiting for another request's render of it (wait) counts as a hit: it came
-- from the cache.
-- The same script drives every URL, the static file included, so that each pays the same cost.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  next_path = 0
  hits, misses, uncached = 0, 0, 0
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  local state = headers["X-Cache"] or headers["x-cache"]
  if state == "hit" or state == "wait" then
    hits = hits + 1
  elseif state == "miss" then
    misses = misses + 1
  else
    uncached = uncached + 1
  end
end

function done(summary, latency, requests)
  local h, m, u = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    u = u + thread:get("uncached")
  end
  io.write(string.format("x-cache hit=%d miss=%d none=%d\n", h, m, u))
end
