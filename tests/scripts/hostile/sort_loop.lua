-- expect: instruction limit|time limit
-- Few instructions around a costly C call: each sort of 100000 elements is
-- charged its length, so the loop stops at the budget, not after hours.
local t = {}
for i = 1, 100000 do t[i] = i end
for i = 1, 1e9 do table.sort(t) end
