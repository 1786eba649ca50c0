-- expect: 4: module '46' uses request id 70E like module '09' (line 3)
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
local c = b:module { id = "46", name = "Comfort", tx = 0x70E, rx = 0x779 }
