-- expect: memory limit
local s = string.rep("x", 100000000, "yyyy")
