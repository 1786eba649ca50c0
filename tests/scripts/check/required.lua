-- expect: 4: feature 'a': field 'name' must be a string
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "a", did = 0x0600, byte = 0, bit = 0 }
