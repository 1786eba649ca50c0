-- expect: 3: brand:module must be called with ':'
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b.module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
