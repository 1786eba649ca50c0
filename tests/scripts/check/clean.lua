-- expect: none
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "a", name = "A", did = 0x0600, byte = 0, bit = 0 }
m:feature { id = "b", name = "B", kind = "choice", did = 0x0600, byte = 0, mask = 0x06,
  values = { [0] = "off", [2] = "low", [4] = "high" } }
m:feature { id = "c", name = "C", kind = "number", did = 0x0600, byte = 2, bytes = 2, min = 0, max = 1000 }
m:feature { id = "d", name = "D", kind = "string", did = 0x0601, byte = 0, bytes = 2 }
m:feature { id = "e", name = "E", kind = "custom", dids = { 0x0600, 0x0601 }, decode = function(r) return "x" end }
