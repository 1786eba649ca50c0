-- expect: 7: flash 'gearbox': module 02 (7A0) of vehicle CHK0SIMULATED0001 has no flash memory
-- expect: 11: flash 'cluster': module '17' is not declared in brand 'chk'
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:module { id = "02", name = "Gearbox", tx = 0x7A0, rx = 0x7A8 }
b:module { id = "09", name = "Body", tx = 0x7B0, rx = 0x7B8 } -- not in the vehicle
b:flash {
  id = "gearbox", module = "02", region = { address = 0, size = 0x100 },
  run = function(job) job:erase {} job:download {} end,
}
b:flash {
  id = "cluster", module = "17", region = { address = 0, size = 0x100 },
  run = function(job) job:erase {} job:download {} end,
}
b:flash {
  id = "body", module = "09", region = { address = 0, size = 0x100 },
  run = function(job) job:erase {} job:download {} end,
}
