-- expect: instruction limit|memory limit|time limit
-- Memory errors caught by pcall do not let the script run for ever.
while true do pcall(string.rep, "x", 1 << 30) end
