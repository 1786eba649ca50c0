-- expect: 9: flash 'sw': downloads 0x80000..0xC0000 where no erase step before it erased: module 01 (7E0) of vehicle CHK0SIMULATED0001 would refuse the blocks
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "sw", module = "01", region = { address = 0x80000, size = 0x40000 },
  restart = "block",
  run = function(job)
    job:erase { address = 0x80000, size = 0x20000 }
    job:download {}
  end,
}
