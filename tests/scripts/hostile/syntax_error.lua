-- expect: syntax_error.lua:3:
local x = 1
local = 2
