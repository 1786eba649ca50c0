-- expect: 4: range 0..300 does not fit the field (1 byte, mask 0xFF: 0..255)
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", kind = "number", did = 0x0600, byte = 0, min = 0, max = 300 }
