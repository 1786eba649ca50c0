-- probe.lua: declares nothing; checks that the libraries and helpers a
-- script sees are intact (run after every hostile script in the tests).
assert(("abc"):upper() == "ABC", "string methods damaged")
assert(string.upper("abc") == "ABC", "string.upper damaged")
assert(string.lower("ABC") == "abc", "string.lower damaged")
assert(string.rep("ab", 3) == "ababab", "string.rep damaged")
assert(table.concat({ "a", "b" }, ",") == "a,b", "table.concat damaged")
assert(math.floor(2.5) == 2, "math.floor damaged")
assert(type(brand) == "function", "brand() missing")
assert(type(log) == "function", "log() missing")
assert(obd.hex("\10\255") == "0A FF", "obd.hex damaged")
assert(obd.key.xor(0x1234, 0x00FF, 16) == 0x12CB, "obd.key.xor damaged")
assert(getmetatable("") == "string", "string metatable unlocked")
assert(_G.string == string, "_G is not this file's environment")
