-- expect: attempt to index
-- The metatable of strings is locked: getmetatable returns a plain string.
getmetatable("").__index.upper = function() return "pwned" end
