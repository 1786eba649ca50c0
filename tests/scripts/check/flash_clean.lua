-- expect: none
-- A flash procedure that fits the module's memory: whole sectors, its
-- routines, the image naming its part and software where the module reads them.
local b = brand { id = "chk", name = "Check", vin_wmi = { "CHK" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "sw", module = "01", region = { address = 0x80000, size = 0x40000 },
  ident = { { at = 0x200, length = 10, module = "part" },
            { at = 0x20C, length = 4, module = "sw" } },
  run = function(job)
    job:session(2)
    job:erase { routine = 0xFF00, address = 0x80000, size = 0x20000 }
    job:erase { routine = 0xFF00, address = 0xA0000, size = 0x20000 }
    job:download {}
    job:routine { id = 0x0202, expect = 0 }
    job:reset()
  end,
}
