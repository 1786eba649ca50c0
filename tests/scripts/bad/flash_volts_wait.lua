-- expect: 3: flash: volts_wait must be 0 to 600 seconds
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:flash { id = "e", module = "01", region = { address = 0, size = 0x100 },
  volts = 12.0, volts_wait = -1, run = function(job) end }
