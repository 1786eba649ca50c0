-- expect: 5: feature 'f': duplicate id (first declared at
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", did = 0x0600, byte = 0, bit = 1 }
m:feature { id = "f", name = "F2", did = 0x0600, byte = 0, bit = 2 }
