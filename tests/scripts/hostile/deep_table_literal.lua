-- expect: too many|overflow|memory limit|levels
local src = string.rep("{", 100000) .. string.rep("}", 100000)
local f, err = load("return " .. src)
error(err or "loaded")
