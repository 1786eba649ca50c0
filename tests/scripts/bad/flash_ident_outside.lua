-- expect: 3: flash: ident must name 1..64 bytes inside the region
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:flash { id = "e", module = "01", region = { address = 0, size = 0x100 },
  ident = { at = 0xF8, length = 16 }, run = function(job) end }
