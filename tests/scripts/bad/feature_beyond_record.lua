-- expect: 4: beyond the longest record
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", kind = "number", did = 0x0600, byte = 4094, bytes = 2, min = 0, max = 1 }
