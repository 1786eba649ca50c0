-- expect: 5: feature 'flag' overlaps feature 'code' (line 4): both use bits 0x01 of DID 0601 byte 1
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "code", name = "Code", kind = "string", did = 0x0601, byte = 0, bytes = 2 }
m:feature { id = "flag", name = "Flag", did = 0x0601, byte = 1, bit = 0 }
