-- expect: 4: value 0x40 ("fast") is outside the mask 0x30
local b = brand { id = "bad", name = "Bad", vin_wmi = { "BAD" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "f", name = "F", kind = "choice", did = 0x0600, byte = 0, mask = 0x30,
  values = { [0x00] = "off", [0x40] = "fast" } }
