-- expect: rep returned
-- string.rep of an empty string would loop 2^62 times in C without the guard.
local s = string.rep("", 1 << 62)
error("rep returned " .. #s)
