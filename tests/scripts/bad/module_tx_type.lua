-- expect: 3: module: field 'tx' must be an integer
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:module { id = "09", name = "Body", tx = "70E", rx = 0x778 }
