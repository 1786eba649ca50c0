-- expect: 3: flash: restart must be "erase" or "block"
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:flash { id = "e", module = "01", region = { address = 0, size = 0x100 },
  restart = "middle", run = function(job) end }
