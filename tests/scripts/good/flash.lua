-- A flash procedure using every step of run(job) and the image of prepare(img).
local b = brand { id = "fl", name = "Flash steps", vin_wmi = { "FLS" } }
b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash {
  id = "cal", name = "Calibration", module = "01",
  region = { address = 0x1000, size = 256 },
  prepare = function(img)
    local old, new = img:crc32 { from = 0, length = 252, at = 252 }
    log(string.format("prepare %d %s %d %d", img:size(), obd.hex(img:bytes(0, 2)), old, new))
  end,
  run = function(job)
    job:session(2)
    job:unlock(1, function(seed) return seed:reverse() end)
    job:erase { routine = 0xFF00 }
    job:download {}
    local st = job:routine { id = 0x0202, record = "\1\2" }
    job:reset(1)
    job:wait(10)
    log("run " .. obd.hex(st))
  end,
}
