-- expect: 4: feature 'far': byte 5 is outside DID 0600, which has 4 bytes on module 09 of vehicle CHK0SIMULATED0001
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "far", name = "Far", kind = "number", did = 0x0600, byte = 4, bytes = 2, min = 0, max = 10 }
