-- expect: 9: flash 'sw': routine: unknown field 'expct'
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "sw", module = "01", region = { address = 0x80000, size = 0x40000 },
  run = function(job)
    job:erase { routine = 0xFF00 }
    job:download {}
    job:routine { id = 0x0202, expct = 0 }
  end,
}
