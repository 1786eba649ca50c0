-- demo.lua: brand script for obdcon's simulated demo vehicle
-- (profiles/vehicles/demo.lua, `obdcon --demo`). It doubles as a short,
-- complete example of a brand script.
--
-- Where the values come from: every CAN identifier, DID and position below
-- is taken from the simulator's demo vehicle, which is INVENTED. The
-- profile documents three positions (horn chirp, mirror folding, welcome
-- light duration in DID 0x0601; digital speed in the cluster's 0x0600);
-- the others (auto-lock speed, low fuel warning, workshop code, needle
-- sweep with its checksum byte) are made up here on bytes of the same
-- invented records, to show every kind of feature. Nothing here describes
-- a real car and nothing has been verified on one.
--
-- Safety: the brand matches VINs starting with "OBDDEMO". Real VINs never
-- contain the letters I, O or Q (ISO 3779), so this script can never match
-- a real vehicle and never write these invented positions to a real module.

local demo = brand {
  id = "demo",
  name = "obdcon demo vehicle (simulated)",
  vin_wmi = { "OBDDEMO" },
}

-- Modules: id as shown to users, CAN request (tx) and reply (rx) IDs.
local engine = demo:module { id = "01", name = "Engine electronics", tx = 0x7E0, rx = 0x7E8 }
local body = demo:module { id = "09", name = "Central electrics", tx = 0x70E, rx = 0x778 }
local cluster = demo:module { id = "17", name = "Instrument cluster", tx = 0x714, rx = 0x77E }

-- Returns a supported() predicate that needs a minimum software version.
local function needs_software(min)
  return function(ecu)
    return ecu.sw >= min, "needs software " .. min .. " or later (module has " .. ecu.sw .. ")"
  end
end

-- Comfort coding of the central electrics: DID 0x0601, byte 0.
body:feature {
  id = "mirror_fold_on_lock", name = "Fold mirrors on lock",
  did = 0x0601, byte = 0, bit = 2,
  supported = needs_software("0450"),
}

body:feature {
  id = "horn_on_lock", name = "Horn chirp on lock",
  did = 0x0601, byte = 0, bit = 0,
}

-- Cluster coding: DID 0x0600, byte 4 bit 0. The demo cluster runs software
-- 0214, so this feature shows as unsupported with the reason.
cluster:feature {
  id = "digital_speed", name = "Digital speed display",
  did = 0x0600, byte = 4, bit = 0,
  supported = needs_software("0300"),
}

-- The features below show the other kinds. Positions invented (see above).

-- A field of two bits with named values (choice): bits 2-3 of byte 5.
body:feature {
  id = "auto_lock", name = "Lock doors when driving off",
  kind = "choice", did = 0x0600, byte = 5, mask = 0x0C,
  values = { [0x00] = "off", [0x04] = "15kmh", [0x08] = "30kmh" },
}

-- A number with a unit and a range: byte 1 of the comfort coding.
body:feature {
  id = "welcome_light_time", name = "Welcome light duration",
  kind = "number", did = 0x0601, byte = 1, min = 0, max = 60, unit = "s",
}

-- A number in litres: cluster coding byte 7.
cluster:feature {
  id = "fuel_warning", name = "Low fuel warning at",
  kind = "number", did = 0x0600, byte = 7, min = 5, max = 15, unit = "l",
}

-- A text field: five digits, padded with NUL bytes, cluster bytes 8..12.
cluster:feature {
  id = "workshop_code", name = "Workshop code",
  kind = "string", did = 0x0600, byte = 8, bytes = 5, charset = "digits", pad = "\0",
}

-- A custom feature with a checksum: bit 0 of cluster byte 13; byte 15
-- holds the sum modulo 256 of bytes 13 and 14 and must be rewritten with
-- it. decode refuses a record whose checksum does not match, so nothing is
-- written over a record this script does not understand.
local function sweep_checksum(r)
  return obd.sum8(r:sub(14, 15))
end

cluster:feature {
  id = "needle_sweep", name = "Needle sweep at start",
  kind = "custom", dids = { 0x0600 },
  values = { [0] = "off", [1] = "on" },
  decode = function(rec)
    local r = rec[0x0600]
    if obd.byte(r, 15) ~= sweep_checksum(r) then
      error(string.format("checksum byte 15 is %02X, expected %02X", obd.byte(r, 15),
                          sweep_checksum(r)))
    end
    return obd.byte(r, 13) & 1
  end,
  encode = function(rec, on)
    local r = obd.setbyte(rec[0x0600], 13, (obd.byte(rec[0x0600], 13) & ~1) | on)
    return { [0x0600] = obd.setbyte(r, 15, sweep_checksum(r)) }
  end,
}

log("demo brand script loaded: " .. (engine and "3 modules" or "?"))

-- Flash procedure of the engine (module 01). Every value below comes from
-- the simulator's demo profile (profiles/vehicles/demo.lua, flash = {...}),
-- which is INVENTED; nothing here has been verified on a real car:
--   * 64 KiB of flash at address 0, erased in sectors of 4 KiB by routine
--     FF00 (31 01 FF00 with address and size), checked by routine 0202,
--     which answers status 00 when the CRC-32 (IEEE, as zlib) of the memory
--     before its last 4 bytes equals those 4 bytes, big-endian;
--   * programming in session 02 after security access level 11 (seed and
--     key of 4 bytes: swap, xor C0FFEE00, ror 7), refused while the engine
--     runs; read-out allowed in session 02 after the same unlock;
--   * the image names its part number at offset 0x100 (11 characters) and
--     its software version at 0x10C (4 characters, what F189 shows after
--     the flash);
--   * the module keeps its erased sectors writable across a reset, so an
--     interrupted download resumes from its last confirmed block.
local function demo_engine_key(seed)
  return obd.key.run(seed, { { "swap" }, { "xor", 0xC0FFEE00 }, { "ror", 7 } })
end

demo:flash {
  id = "engine_sw", name = "Engine software (demo vehicle)", module = "01",
  region = { address = 0x00000000, size = 0x10000 },
  accepts = { part = { "06K906070AB" }, hw = { "06K907425B" } },
  ident = {
    { at = 0x100, length = 11, module = "part" },
    { at = 0x10C, length = 4, module = "sw" },
  },
  volts = 12.0, engine_off = true,
  readout = { session = 0x02, level = 0x11, key = demo_engine_key },
  restart = "block",
  -- The module's check routine wants the CRC-32 of everything before the
  -- last 4 bytes in those 4 bytes, big-endian.
  prepare = function(img)
    img:crc32 { from = 0, length = img:size() - 4, at = img:size() - 4 }
  end,
  run = function(job)
    job:session(0x02)
    job:unlock(0x11, demo_engine_key)
    job:erase { routine = 0xFF00 }
    job:download {}
    job:routine { id = 0x0202, expect = 0x00 }
    job:reset(0x01)
  end,
}
