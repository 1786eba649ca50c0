-- expect: 4: field 'dids' must list 1..8 DIDs
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", kind = "custom", dids = {}, decode = function() return 0 end }
