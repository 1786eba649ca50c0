-- expect: 5: feature 'light' overlaps feature 'level' (line 4): both use bits 0x10 of DID 0600 byte 1
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "level", name = "Level", kind = "number", did = 0x0600, byte = 0, bytes = 2, mask = 0x0FF0, min = 0, max = 255 }
m:feature { id = "light", name = "Light", did = 0x0600, byte = 1, bit = 4 }
