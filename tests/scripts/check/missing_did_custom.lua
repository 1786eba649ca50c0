-- expect: 4: feature 'multi': module 09 (70E) of vehicle CHK0SIMULATED0001 has no DID 0702
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "multi", name = "Multi", kind = "custom", dids = { 0x0600, 0x0702 }, decode = function(r) return "" end }
