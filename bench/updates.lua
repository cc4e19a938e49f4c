-- wrk: PUT each config of the thread's own share with If-Match, reading its next ETag from
-- each answer. A line of BENCH_DATA is "PATH<TAB>TOKEN<TAB>ETAG<TAB>GROUP<TAB>NAME"; thread k
-- of n takes lines k, k+n, k+2n... so no two threads (nor, with enough lines, two requests in
-- flight) update the same config.
local threads = 0
local entries, by_id = {}, {}
local next_entry, counter = 0, 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  local count = tonumber(os.getenv("BENCH_THREADS"))
  local number = 0
  for line in io.lines(os.getenv("BENCH_DATA")) do
    if number % count == thread_index then
      local path, token, etag, group, name =
        string.match(line, "^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
      local entry = {path = path, token = token, etag = etag, group = group, name = name}
      entries[#entries + 1] = entry
      by_id[string.match(path, "([%x-]+)$")] = entry
    end
    number = number + 1
  end
end

function request()
  next_entry = next_entry % #entries + 1
  counter = counter + 1
  local entry = entries[next_entry]
  local body = string.format('{"group": "%s", "name": "%s", "value": "bench-%d-%d"}',
    entry.group, entry.name, thread_index, counter)
  local headers = {
    ["Authorization"] = "Bearer " .. entry.token,
    ["If-Match"] = entry.etag,
    ["Content-Type"] = "application/json",
  }
  return wrk.format("PUT", entry.path, headers, body)
end

function response(status, headers, body)
  if status == 200 then
    local entry = by_id[string.match(body, '"id"%s*:%s*"([%x-]+)"')]
    if entry then
      entry.etag = headers["ETag"] or headers["etag"]
    end
  end
end

-- done(): the figures as one BENCH line, shared with the other script.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
