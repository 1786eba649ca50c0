-- expect: pattern too complex
local s = ("a"):rep(30) .. "b"
local n = select(2, s:gsub(("a?"):rep(30) .. ("a"):rep(30) .. "c", ""))
