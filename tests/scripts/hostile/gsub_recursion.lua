-- expect: stack overflow|error while handling
-- Recursion through a C function (gsub) hits the C stack limit.
local function f(s) return (s:gsub(".", f)) end
f("abc")
