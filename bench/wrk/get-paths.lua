-- GETs that walk a list of paths (one job after another), filled in by bench/lib/wrk.ts.
local paths = { __PATHS__ }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
