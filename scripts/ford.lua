-- ford.lua: brand script for obdcon's SIMULATED Ford-style estate car,
-- the invented vehicle profiles/vehicles/ford.lua (`obdcon --port
-- sim:ford`). It is an example of a brand script for several modules,
-- not a coding guide for any real car.
--
-- NOTHING IN THIS FILE HAS BEEN VERIFIED ON A REAL CAR.
--
-- Where each value comes from:
--   * module names PCM, TCM, BCM, IPC, GWM, ABS and their CAN identifiers
--     (7E0/7E8, 7E1/7E9: ISO 15765-4; 726/72E, 720/728, 716/71E, 760/768:
--     public community documentation around open-source Ford tools), as
--     the simulator's profile gives them, not verified on a car;
--   * the configuration ("as-built") DIDs 0xDE00, 0xDE01, 0xDE02 of each
--     module, their lengths (PCM DE00 8 bytes; TCM DE00 5; BCM DE00 8,
--     DE01 12, DE02 10; IPC DE00 7, DE01 11; GWM DE00 10), that they are
--     writable only in the extended session (0x03; WriteDataByIdentifier
--     is refused in the default session) after security access level 1,
--     and the software versions (F189) the supported() predicates compare
--     against: from the INVENTED profile;
--   * the seed/key algorithms: copied from the INVENTED profile's lists of
--     operations (3-byte seeds and keys); they open the simulator's
--     modules and nothing else;
--   * identification DIDs (F187, F189, F18C, F191, F197): ISO 14229-1
--     annex C, read by the console itself;
--   * every feature position (which byte and bit means what) and every
--     name, unit and range: MADE UP HERE. The profile gives the as-built
--     records but no meaning for any of their bytes; the positions below
--     were chosen on those invented bytes so that each kind of feature has
--     a sensible value on the simulated car. No record of the profile
--     carries a checksum, so no feature here invents one.
--
-- Safety: the WMI "WF0" is real (Ford Germany), so matching on it alone
-- would let this script write invented positions into a real module.
-- The simulated VIN is WF0FXXGCDFOSIM042: the letter O at position 11
-- (and I at 13) can never occur in a real VIN (ISO 3779 excludes I, O and
-- Q). vin_wmi therefore holds the prefix up to and including that O,
-- "WF0FXXGCDFO", which no real car can have; match() refuses, in
-- addition, any VIN without I, O or Q after the WMI.
-- The prefix keeps real vehicles out, and the console asks match() as a
-- second guard once the prefix fits (a match() that fails counts as no
-- match).

-- True when the VIN holds a letter real VINs never have (I, O, Q) after
-- the WMI, i.e. when it can only be a simulated one.
local function impossible_vin(vin)
  return vin:sub(4):find("[IOQ]") ~= nil
end

local ford = brand {
  id = "ford",
  name = "Ford (simulated vehicle 'ford' only)",
  vin_wmi = { "WF0FXXGCDFO" },
  match = function(vin, ident) return impossible_vin(vin) end,
}

-- The simulator's seed/key operations work on a 32-bit word (see
-- src/sim/ecu_security.c): the seed bytes (big-endian) go in, the key is
-- the low bytes of the result with the seed's length. obd.key.run does the
-- same with a width of 32, so the profile's lists are copied as they are.
local function sim_key(seed, steps)
  return obd.key.run(seed, steps, 32)
end

-- A security table for level 1 with the given operations.
local function level1(steps)
  return { level = 0x01, key = function(seed) return sim_key(seed, steps) end }
end

-- A supported() predicate needing a minimum software revision: the two
-- letters after the last dash of the software part number (F189), as in
-- JX7T-14C184-AB. A version without such a suffix counts as unsupported.
local function needs_revision(min)
  return function(ecu)
    local rev = ecu.sw:match("%-(%u%u)$")
    if rev == nil then
      return false, "needs software revision " .. min .. " or later (module has '" .. ecu.sw .. "')"
    end
    return rev >= min, "needs software revision " .. min .. " or later (module has " .. ecu.sw .. ")"
  end
end

-- Modules. Every one with configuration writes it in the extended
-- session after security access level 1 (profile: writable = { session =
-- 3, security = 1 }).
local pcm = ford:module {
  id = "PCM", name = "Powertrain control module", tx = 0x7E0, rx = 0x7E8,
  write_session = 0x03,
  -- profile: xor 00A5C3E1, rol 9, add 00135799
  security = level1({ { "xor", 0x00A5C3E1 }, { "rol", 9 }, { "add", 0x00135799 } }),
}
local tcm = ford:module {
  id = "TCM", name = "Transmission control module", tx = 0x7E1, rx = 0x7E9,
  write_session = 0x03,
  -- profile: add 00ABCDEF, xor 00FF00FF
  security = level1({ { "add", 0x00ABCDEF }, { "xor", 0x00FF00FF } }),
}
local bcm = ford:module {
  id = "BCM", name = "Body control module", tx = 0x726, rx = 0x72E,
  write_session = 0x03,
  -- profile: xor 00C0FFEE, ror 4, sub 00001111
  security = level1({ { "xor", 0x00C0FFEE }, { "ror", 4 }, { "sub", 0x00001111 } }),
}
local ipc = ford:module {
  id = "IPC", name = "Instrument panel cluster", tx = 0x720, rx = 0x728,
  write_session = 0x03,
  -- profile: not, add 00424242
  security = level1({ { "not" }, { "add", 0x00424242 } }),
}
local gwm = ford:module {
  id = "GWM", name = "Gateway module", tx = 0x716, rx = 0x71E,
  write_session = 0x03,
  -- profile: swap, ror 8, xor 00123456
  security = level1({ { "swap" }, { "ror", 8 }, { "xor", 0x00123456 } }),
}
-- The ABS module has no configuration DID in the profile: listed so that
-- scans identify it, with no features.
ford:module { id = "ABS", name = "Anti-lock brake system", tx = 0x760, rx = 0x768 }

-- PCM, DE00 (8 bytes), software JX6A-14C204-AC. Positions invented.
pcm:feature {
  id = "pcm_auto_start_stop", name = "Auto start-stop",
  did = 0xDE00, byte = 0, bit = 4,
}
pcm:feature {
  id = "pcm_idle_speed_raise", name = "Idle speed raise",
  kind = "number", did = 0xDE00, byte = 4, scale = 10, min = 0, max = 250, unit = "rpm",
}

-- TCM, DE00 (5 bytes), software JX6P-14C337-AD. Positions invented.
tcm:feature {
  id = "tcm_sport_mode", name = "Sport mode selectable",
  did = 0xDE00, byte = 0, bit = 0,
}
tcm:feature {
  id = "tcm_hill_start_assist", name = "Hill start assist",
  did = 0xDE00, byte = 3, bit = 4,
  supported = needs_revision("AE"),
}

-- BCM, DE00 (8), DE01 (12), DE02 (10), software JX7T-14C184-AB.
-- Positions invented.
bcm:feature {
  id = "bcm_drl", name = "Daytime running lights",
  did = 0xDE00, byte = 0, bit = 1,
}
bcm:feature {
  id = "bcm_global_open", name = "Open all windows with the key",
  did = 0xDE00, byte = 0, bit = 3,
}
bcm:feature {
  id = "bcm_auto_relock", name = "Relock when no door is opened after",
  kind = "number", did = 0xDE00, byte = 1, scale = 5, min = 0, max = 120, unit = "s",
}
bcm:feature {
  id = "bcm_horn_chirp", name = "Horn chirp on lock",
  did = 0xDE01, byte = 3, bit = 7,
}
bcm:feature {
  id = "bcm_rain_sensitivity", name = "Rain sensor sensitivity",
  kind = "choice", did = 0xDE01, byte = 5, mask = 0x30,
  values = { [0x00] = "off", [0x10] = "low", [0x20] = "medium", [0x30] = "high" },
}
bcm:feature {
  id = "bcm_approach_light_time", name = "Approach light duration",
  kind = "number", did = 0xDE02, byte = 9, min = 0, max = 120, unit = "s",
}
bcm:feature {
  id = "bcm_mirror_fold", name = "Fold mirrors on lock",
  did = 0xDE02, byte = 4, bit = 4,
  supported = needs_revision("AC"),
}

-- Keyless entry, kept in two as-built blocks that must agree (invented:
-- DE00 byte 4 bit 7 and DE01 byte 6 bit 0). decode refuses blocks that
-- disagree, so nothing is written over a state the script does not
-- understand; encode sets both.
bcm:feature {
  id = "bcm_keyless_entry", name = "Keyless entry",
  kind = "custom", dids = { 0xDE00, 0xDE01 },
  values = { [0] = "off", [1] = "on" },
  decode = function(rec)
    local a = obd.bits(obd.byte(rec[0xDE00], 4), 0x80)
    local b = obd.bits(obd.byte(rec[0xDE01], 6), 0x01)
    if a ~= b then
      error(string.format("DE00 byte 4 bit 7 (%d) and DE01 byte 6 bit 0 (%d) disagree", a, b))
    end
    return a
  end,
  encode = function(rec, on)
    local r0, r1 = rec[0xDE00], rec[0xDE01]
    return {
      [0xDE00] = obd.setbyte(r0, 4, obd.setbits(obd.byte(r0, 4), 0x80, on)),
      [0xDE01] = obd.setbyte(r1, 6, obd.setbits(obd.byte(r1, 6), 0x01, on)),
    }
  end,
}

-- IPC, DE00 (7 bytes), DE01 (11 bytes), software JX7T-14C026-AF.
-- Positions invented.
ipc:feature {
  id = "ipc_digital_speed", name = "Digital speed display",
  did = 0xDE00, byte = 1, bit = 5,
}
ipc:feature {
  id = "ipc_low_fuel_warning", name = "Low fuel warning at",
  kind = "number", did = 0xDE00, byte = 3, min = 4, max = 15, unit = "l",
}
ipc:feature {
  id = "ipc_theme", name = "Display theme",
  kind = "choice", did = 0xDE00, byte = 6, mask = 0x30,
  values = { [0x00] = "classic", [0x10] = "sport", [0x20] = "eco" },
}
ipc:feature {
  id = "ipc_dealer_code", name = "Dealer code",
  kind = "string", did = 0xDE01, byte = 4, bytes = 4, charset = "digits", pad = "\0",
}
ipc:feature {
  id = "ipc_gauge_sweep", name = "Gauge sweep at start",
  did = 0xDE01, byte = 3, bit = 6,
  supported = needs_revision("AG"),
}

-- GWM, DE00 (10 bytes), software JX7T-14H136-AB. Positions invented.
gwm:feature {
  id = "gwm_trailer_module", name = "Trailer module present",
  did = 0xDE00, byte = 8, bit = 7,
}
gwm:feature {
  id = "gwm_sync_module", name = "Infotainment module present",
  did = 0xDE00, byte = 8, bit = 6,
  supported = needs_revision("AB"),
}

-- Flash procedure of the PCM. Every value below comes from the
-- simulator's INVENTED profile (profiles/vehicles/ford.lua, flash =
-- {...}); NOTHING here has been verified on a real car, and a real Ford
-- module is programmed differently:
--   * 256 KiB of flash at address 0x80000, erased in sectors of 16 KiB by
--     routine FF00, checked by routine FF01 (the profile's choice of the
--     ISO 14229-1 "check programming dependencies" id): status 00 when the
--     16-bit sum of the bytes before the last 2 equals those 2 bytes,
--     big-endian;
--   * programming in session 02 after security access level 1 (the PCM's
--     3-byte seed and key, as for coding), refused while the engine runs;
--     read-out allowed in session 02 or 03 after the same unlock;
--   * the image names its software part number at offset 0x100 (14
--     characters, what F189 shows after the flash) and the module's part
--     number at 0x110 (14 characters);
--   * the module keeps its erased sectors writable across a reset, so an
--     interrupted download resumes from its last confirmed block.
ford:flash {
  id = "pcm_sw", name = "PCM software (simulated ford)", module = "PCM",
  region = { address = 0x00080000, size = 0x40000 },
  accepts = { part = { "JX6A-12A650-BD" }, hw = { "JX6A-12B684-AA" } },
  ident = {
    { at = 0x110, length = 14, module = "part" },
    { at = 0x100, length = 14, module = "sw" },
  },
  volts = 12.0, engine_off = true,
  readout = { session = 0x02, level = 0x01 },  -- with the PCM's own key
  restart = "block",
  prepare = function(img)
    img:sum16 { from = 0, length = img:size() - 2, at = img:size() - 2 }
  end,
  run = function(job)
    job:session(0x02)
    job:unlock(0x01, function(seed)
      return sim_key(seed, { { "xor", 0x00A5C3E1 }, { "rol", 9 }, { "add", 0x00135799 } })
    end)
    job:erase { routine = 0xFF00 }
    job:download {}
    job:routine { id = 0xFF01, expect = 0x00 }
    job:reset(0x01)
  end,
}
