-- expect: tampered
-- Changing library tables only changes this file's own copies.
string.upper = function() return "pwned" end
string.rep = nil
table.concat = nil
math.floor = nil
obd.hex = function() return "pwned" end
obd.key.xor = nil
brand = nil
log = nil
rawset(_G, "obd", nil)
error("tampered")
