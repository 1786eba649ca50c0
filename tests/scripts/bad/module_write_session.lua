-- expect: 3: field 'write_session' = 128 is out of range 1..127
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778, write_session = 0x80 }
