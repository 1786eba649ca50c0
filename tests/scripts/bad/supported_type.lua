-- expect: 4: field 'supported' must be a function
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", did = 0x0600, byte = 0, bit = 1, supported = "yes" }
