-- flash_all.lua: a flash procedure using every step and image method, for
-- test_script_api.c (invented values).
local b = brand { id = "fl", name = "Flash fixture", vin_wmi = { "FLX" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }

local function key(seed) return obd.key.run(seed, { { "xor", 0x11223344 } }) end

b:flash {
  id = "all", name = "All steps", module = "01",
  region = { address = 0x1000, size = 0x100 },
  accepts = { part = { "P1", "P2" }, hw = { "H1" } },
  ident = { { at = 0x10, length = 4, module = "part" }, { at = 0x20, length = 4, module = "sw" } },
  volts = 11.5, engine_off = true,
  readout = { session = 2, level = 0x11, key = function(seed, level)
    return string.char(level) .. seed:sub(2) end },
  restart = "block",
  prepare = function(img)
    local old, new = img:crc32 { from = 0, length = img:size() - 4, at = img:size() - 4 }
    img:sum16 { from = 0, length = 0x10, at = 0x40, little_endian = true }
    log(string.format("size %d first %02X crc %08X", img:size(), img:bytes(0, 1):byte(), new))
  end,
  run = function(job)
    job:session(2)
    job:unlock(0x11, key)
    job:erase { routine = 0xFF00 }
    job:download { format = 0x11 }
    local st = job:routine { id = 0x0202, record = "\1\2", expect = 0 }
    log("status " .. #st)
    job:wait(5)
    job:reset(3)
  end,
}
