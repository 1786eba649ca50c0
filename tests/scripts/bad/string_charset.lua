-- expect: 4: charset must be "ascii" or "digits"
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", kind = "string", did = 0x0600, byte = 0, bytes = 4, charset = "latin1" }
