-- expect: 4: give both min and max
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", kind = "custom", dids = { 0x0600 }, min = 0, decode = function() return 0 end }
