-- expect: 4: flash 'sw': the image names its software at offset 0x210 (address 0x80210), but module 01 (7E0) of vehicle CHK0SIMULATED0001 reads its software (F189) from address 0x8020C
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "sw", module = "01", region = { address = 0x80000, size = 0x40000 },
  ident = { { at = 0x200, length = 10, module = "part" },
            { at = 0x210, length = 4, module = "sw" } },
  run = function(job)
    job:erase {}
    job:download {}
  end,
}
