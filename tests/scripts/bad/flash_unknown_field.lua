-- expect: 4: flash: unknown field 'volt'
local b = brand { id = "x", name = "X", vin_wmi = { "XXX" } }
b:module { id = "01", name = "E", tx = 0x7E0, rx = 0x7E8 }
b:flash { id = "sw", module = "01", region = { address = 0, size = 16 }, volt = 13.5,
  run = function(job) job:erase {} job:download {} end }
