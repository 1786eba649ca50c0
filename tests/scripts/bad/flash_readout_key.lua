-- expect: 3: flash: readout.key must be a function(seed, level)
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:flash { id = "e", module = "01", region = { address = 0, size = 0x100 },
  readout = { session = 2, level = 1, key = "secret" }, run = function(job) end }
