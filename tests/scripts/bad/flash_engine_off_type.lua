-- expect: 4: flash: field 'engine_off' must be true or false
local b = brand { id = "x", name = "X", vin_wmi = { "XXX" } }
b:module { id = "01", name = "E", tx = 0x7E0, rx = 0x7E8 }
b:flash { id = "sw", module = "01", region = { address = 0, size = 16 }, engine_off = "no",
  run = function(job) job:erase {} job:download {} end }
