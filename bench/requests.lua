-- wrk: send requests picked at random from the file named by BENCH_DATA.
-- A line is "METHOD<TAB>PATH<TAB>BODY or -<TAB>Header: value<TAB>...".
local prepared = {}

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  for line in io.lines(os.getenv("BENCH_DATA")) do
    local fields = split(line)
    local headers = {}
    for i = 4, #fields do
      local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
      headers[name] = value
    end
    local body = nil
    if fields[3] ~= "-" then
      body = fields[3]
    end
    prepared[#prepared + 1] = wrk.format(fields[1], fields[2], headers, body)
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return prepared[math.random(#prepared)]
end

-- done(): the figures as one BENCH line, shared with the other script.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
