-- expect: 3: flash: run = function(job) ... end is required
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:flash { id = "e", module = "01", region = { address = 0, size = 0x100 } }
