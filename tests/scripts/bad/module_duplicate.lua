-- expect: 4: module: duplicate id '09'
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
b:module { id = "09", name = "Body 2", tx = 0x70F, rx = 0x779 }
