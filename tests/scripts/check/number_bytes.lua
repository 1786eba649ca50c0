-- expect: 4: range 0..70000 does not fit the field (2 bytes, mask 0xFFFF: 0..65535)
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "a", name = "A", kind = "number", did = 0x0600, byte = 0, bytes = 2, min = 0, max = 70000 }
