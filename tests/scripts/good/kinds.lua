-- kinds.lua: a test fixture with one feature of every kind on an invented
-- module (no real vehicle: the VIN prefix "KND" belongs to nobody here).
local b = brand { id = "kinds", name = "Kinds test", vin_wmi = { "KND" } }

local m = b:module {
  id = "09", name = "Body", tx = 0x70E, rx = 0x778, write_session = 0x03,
  security = {
    level = 3,
    key = function(seed) return obd.key.run(seed, { { "xor", 0x5A5A }, { "rol", 3 } }) end,
  },
}

m:feature { id = "horn", name = "Horn on lock", did = 0x0601, byte = 0, bit = 0 }

m:feature {
  id = "wiper", name = "Wiper speed", kind = "choice", did = 0x0601, byte = 0, mask = 0x30,
  values = { [0x00] = "off", [0x10] = "slow", [0x20] = "fast" },
}

m:feature {
  id = "welcome", name = "Welcome light", kind = "number", did = 0x0601, byte = 1,
  scale = 0.5, min = 0, max = 60, unit = "s",
}

m:feature {
  id = "interval", name = "Service interval", kind = "number", did = 0x0600, byte = 2,
  bytes = 2, scale = 100, min = 1000, max = 30000, unit = "km",
}

m:feature {
  id = "trim", name = "Temperature trim", kind = "number", did = 0x0600, byte = 4,
  mask = 0xF8, signed = true, min = -8, max = 7, unit = "C",
}

m:feature {
  id = "code", name = "Workshop code", kind = "string", did = 0x0600, byte = 8, bytes = 4,
  charset = "digits", pad = "\0",
}

m:feature {
  id = "little", name = "Little-endian counter", kind = "number", did = 0x0600, byte = 12,
  bytes = 2, big_endian = false, min = 0, max = 65535,
}

-- Byte 14 bit 0, with byte 15 the sum of bytes 0..14.
m:feature {
  id = "sweep", name = "Needle sweep", kind = "custom", dids = { 0x0600 },
  values = { [0] = "off", [1] = "on" },
  decode = function(rec) return obd.byte(rec[0x0600], 14) & 1 end,
  encode = function(rec, v)
    local r = rec[0x0600]
    r = obd.setbyte(r, 14, (obd.byte(r, 14) & ~1) | v)
    r = obd.setbyte(r, 15, obd.sum8(r:sub(1, 15)))
    return { [0x0600] = r }
  end,
}

-- One number spread over two DIDs: high nibble in the low nibble of 0600
-- byte 0, low nibble in the low nibble of 0601 byte 0.
m:feature {
  id = "split", name = "Split value", kind = "custom", dids = { 0x0600, 0x0601 },
  min = 0, max = 255,
  decode = function(rec)
    return (obd.byte(rec[0x0600], 0) & 0x0F) << 4 | (obd.byte(rec[0x0601], 0) & 0x0F)
  end,
  encode = function(rec, v)
    local a = obd.setbyte(rec[0x0600], 0, (obd.byte(rec[0x0600], 0) & 0xF0) | (v >> 4))
    local c = obd.setbyte(rec[0x0601], 0, (obd.byte(rec[0x0601], 0) & 0xF0) | (v & 0x0F))
    return { [0x0600] = a, [0x0601] = c }
  end,
}

m:feature {
  id = "broken", name = "Broken encode", kind = "custom", dids = { 0x0600 }, min = 0, max = 1,
  decode = function(rec) return 0 end,
  encode = function(rec, v)
    rec[0x0600] = obd.setbyte(rec[0x0600], 0, 0xEE)
    error("checksum table missing")
  end,
}

m:feature {
  id = "serial", name = "Serial (read-only)", kind = "custom", dids = { 0x0600 },
  decode = function(rec) return obd.hex(rec[0x0600]:sub(1, 2)) end,
}

m:feature {
  id = "asks", name = "Asks in decode", kind = "custom", dids = { 0x0600 },
  decode = function(rec) return ask("which?", { "a", "b" }) end,
}

m:feature {
  id = "badlen", name = "Encode changes the length", kind = "custom", dids = { 0x0600 },
  min = 0, max = 1,
  decode = function(rec) return 0 end,
  encode = function(rec, v) return { [0x0600] = rec[0x0600] .. "\0" } end,
}

m:feature {
  id = "fold", name = "Fold mirrors", did = 0x0601, byte = 0, bit = 2,
  supported = function(ecu)
    if ecu.did(0xF1A0) == "X" then return false, "variant X" end
    return ecu.sw >= "0450", "needs software 0450 (has " .. ecu.sw .. ", serial " .. ecu.serial .. ")"
  end,
}

-- A module without security, and a flash procedure.
local engine = b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
b:flash { id = "engine_cal", name = "Engine calibration", module = "01",
  region = { address = 0, size = 0x10000 }, run = function(job) end }
log("kinds loaded with " .. (engine and "2 modules" or "?"))

-- A predicate that tries to declare something after loading.
m:feature {
  id = "late", name = "Declares late", did = 0x0601, byte = 0, bit = 7,
  supported = function(ecu) engine:feature { id = "x", name = "X", did = 1, byte = 0, bit = 0 } end,
}

-- Two DIDs read, one written: the record encode leaves out stays as it was.
m:feature {
  id = "partial", name = "Writes one of its DIDs", kind = "custom", dids = { 0x0600, 0x0601 },
  min = 0, max = 60,
  decode = function(rec) return obd.byte(rec[0x0601], 1) end,
  encode = function(rec, v) return { [0x0601] = obd.setbyte(rec[0x0601], 1, v) } end,
}
