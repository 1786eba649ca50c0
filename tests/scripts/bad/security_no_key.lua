-- expect: 3: security.key must be a function
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778, security = { level = 1 } }
