-- expect: memory limit|too large
local s = string.rep("x", 1 << 40)
