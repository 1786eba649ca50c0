-- expect: 3: security.level must be an odd seed request level
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778, security = { level = 2, key = function(s) return s end } }
