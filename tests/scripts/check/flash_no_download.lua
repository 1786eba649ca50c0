-- expect: 5: flash 'sw': run() never downloads: the flash would write nothing into the module
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
-- A procedure that erases nothing and sends nothing: a flash of it would report success.
b:flash {
  id = "sw", module = "01", region = { address = 0x80000, size = 0x40000 },
  run = function(job)
    job:session(2)
    job:reset()
  end,
}
