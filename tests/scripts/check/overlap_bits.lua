-- expect: 6: feature 'wiper' overlaps feature 'horn' (line 5): both use bits 0x04 of DID 0600 byte 0
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }

m:feature { id = "horn", name = "Horn", did = 0x0600, byte = 0, bit = 2 }
m:feature { id = "wiper", name = "Wiper", kind = "choice", did = 0x0600, byte = 0, mask = 0x0C, values = { [0] = "off", [8] = "on" } }
