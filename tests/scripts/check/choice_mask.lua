-- expect: 4: value 0x80 ("max") is outside the mask 0x0F
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "a", name = "A", kind = "choice", did = 0x0600, byte = 0, mask = 0x0F, values = { [1] = "min", [0x80] = "max" } }
