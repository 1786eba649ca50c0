-- expect: 4: min 10 is above max 1
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", kind = "number", did = 0x0600, byte = 0, min = 10, max = 1 }
