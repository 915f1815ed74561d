-- wrk script: each request carries the next runner's token, in turn, so the server sees
-- many runners (and verifies every token) rather than one cached caller.
-- Usage: wrk --script rotate.lua URL -- TOKENS_FILE   (one token a line)
--        wrk --script rotate.lua URL -- VALUES_FILE HEADER   (each line the header's value,
--        e.g. Cookie, for an API that takes its session there)

local requests = {}
local next_index = 0

function init(args)
  local header = args[2]
  for token in io.lines(args[1]) do
    if #token > 0 then
      local headers = header and {[header] = token} or {["Authorization"] = "Bearer " .. token}
      requests[#requests + 1] = wrk.format(nil, nil, headers)
    end
  end
  assert(#requests > 0, "no token in " .. args[1])
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
