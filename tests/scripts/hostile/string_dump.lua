-- expect: dump
local s = string.dump(function() end)
