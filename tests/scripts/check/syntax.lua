-- expect: 5: '}' expected (to close '{' at line 4)
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "a", name = "A", did = 0x0600, byte = 0, bit = 0
m:feature { id = "b", name = "B", did = 0x0600, byte = 0, bit = 1 }
