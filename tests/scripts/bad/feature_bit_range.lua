-- expect: 4: field 'bit' = 8 is out of range 0..7
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", did = 0x0600, byte = 0, bit = 8 }
