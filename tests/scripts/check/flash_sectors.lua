-- expect: 5: flash 'sw': region 0x81000..0x82000 is not whole sectors of module 01 (7E0) of vehicle CHK0SIMULATED0001 (0x4000 bytes from 0x80000): the module would refuse the erase
-- expect: 8: flash 'sw': erase range 0x80000..0x82000 is not whole sectors of module 01 (7E0) of vehicle CHK0SIMULATED0001
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "sw", module = "01", region = { address = 0x81000, size = 0x1000 },
  run = function(job)
    job:erase { routine = 0xFF00, address = 0x80000, size = 0x2000 }
    job:download {}
  end,
}
