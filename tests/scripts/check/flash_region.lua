-- expect: 4: flash 'sw': region 0x70000..0xB0000 lies outside the flash memory of module 01 (7E0) of vehicle CHK0SIMULATED0001 (0x80000..0xC0000)
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "sw", module = "01", region = { address = 0x70000, size = 0x40000 },
  run = function(job)
    job:erase { routine = 0xFF00 }
    job:download {}
  end,
}
