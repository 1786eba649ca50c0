-- expect: 3: field 'tx' = 6144 is out of range 0..2047
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:module { id = "09", name = "Body", tx = 0x1800, rx = 0x778 }
