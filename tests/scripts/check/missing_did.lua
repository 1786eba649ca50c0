-- expect: 4: feature 'gone': module 09 (70E) of vehicle CHK0SIMULATED0001 has no DID 0700
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "gone", name = "Gone", did = 0x0700, byte = 0, bit = 0 }
