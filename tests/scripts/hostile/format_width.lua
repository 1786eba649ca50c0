-- expect: invalid conversion
local s = string.format("%99999999d", 1)
