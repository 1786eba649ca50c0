-- expect: 8: flash 'sw': erase routine FF01, but module 01 (7E0) of vehicle CHK0SIMULATED0001 erases with routine FF00
-- expect: 10: flash 'sw': routine 0203: module 01 (7E0) of vehicle CHK0SIMULATED0001 has no such routine (erase FF00, check 0202)
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "sw", module = "01", region = { address = 0x80000, size = 0x40000 },
  run = function(job)
    job:erase { routine = 0xFF01 }
    job:download {}
    job:routine { id = 0x0203 }
    job:routine { id = 0x0202 }
  end,
}
