-- expect: rep_line.lua:4: memory limit exceeded
-- A memory error in the first instructions of a file still has its line
-- (the instruction hook has not run yet there).
local s = string.rep("x", 100 * 1024 * 1024)
