-- vw.lua: brand script for obdcon's SIMULATED VW-group-style car, the
-- invented vehicle profiles/vehicles/vw.lua (`obdcon --port sim:vw`).
-- It is an example of a brand script for several modules, not a coding
-- guide for any real car.
--
-- NOTHING IN THIS FILE HAS BEEN VERIFIED ON A REAL CAR.
--
-- Where each value comes from:
--   * module addresses 01 (engine), 02 (transmission), 09 (central
--     electrics), 17 (instrument cluster), 19 (gateway): the public VW-group
--     address convention, as open-source diagnostic tools document it;
--   * CAN identifiers: from the simulator's profile, which takes 7E0/7E8
--     and 7E1/7E9 from ISO 15765-4 and the others (70E/778, 714/77E,
--     710/77A) from public community documentation, not verified on a car;
--   * the coding DID 0x0600 of each module, its length (10, 8, 30, 20 and
--     24 bytes), that it is writable only in the extended session (0x03)
--     after security access level 3, and the software versions the
--     supported() predicates compare against: from the INVENTED profile;
--   * the seed/key algorithms: copied from the INVENTED profile's lists of
--     operations; they open the simulator's modules and nothing else;
--   * identification DIDs (F187 part number, F189 software, F191
--     hardware...): ISO 14229-1 annex C, read by the console itself;
--   * every feature position (which byte and bit means what) and every
--     name, unit and range: MADE UP HERE. The profile gives the coding
--     records but no meaning for any of their bytes; the positions below
--     were chosen on those invented bytes so that each kind of feature has
--     a sensible value on the simulated car. No record of the profile
--     carries a checksum, so no feature here invents one.
--
-- Safety: the WMI "WVW" is real (Volkswagen), so matching on it alone
-- would let this script write invented positions into a real module.
-- The simulated VIN is WVWZZZAUZOSIM0001: the letter O at position 10
-- (and I at 12) can never occur in a real VIN (ISO 3779 excludes I, O and
-- Q). vin_wmi therefore holds the prefix up to and including that O,
-- "WVWZZZAUZO", which no real car can have; match() refuses, in addition,
-- any VIN without I, O or Q after the WMI.
-- The prefix keeps real vehicles out, and the console asks match() as a
-- second guard once the prefix fits (a match() that fails counts as no
-- match).
--
-- The simulated engine idles: it refuses coding writes (0x22,
-- conditionsNotCorrect) while it runs, so engine features can be read but
-- not changed on the simulated car.

-- True when the VIN holds a letter real VINs never have (I, O, Q) after
-- the WMI, i.e. when it can only be a simulated one.
local function impossible_vin(vin)
  return vin:sub(4):find("[IOQ]") ~= nil
end

local vw = brand {
  id = "vw",
  name = "VW group (simulated vehicle 'vw' only)",
  vin_wmi = { "WVWZZZAUZO" },
  match = function(vin, ident) return impossible_vin(vin) end,
}

-- The simulator's seed/key operations work on a 32-bit word (see
-- src/sim/ecu_security.c): the seed bytes (big-endian) go in, the key is
-- the low bytes of the result with the seed's length. obd.key.run does the
-- same with a width of 32, so the profile's lists are copied as they are.
local function sim_key(seed, steps)
  return obd.key.run(seed, steps, 32)
end

-- A security table for level 3 with the given operations.
local function level3(steps)
  return { level = 0x03, key = function(seed) return sim_key(seed, steps) end }
end

-- A supported() predicate needing a minimum software version (F189, four
-- digits on this car, so text comparison orders them).
local function needs_software(min)
  return function(ecu)
    return ecu.sw >= min, "needs software " .. min .. " or later (module has " .. ecu.sw .. ")"
  end
end

local CODING = 0x0600

-- Modules. All five write DID 0x0600 in the extended session after
-- security access level 3 (profile: writable = { session = 3, security = 3 }).
local engine = vw:module {
  id = "01", name = "Engine electronics", tx = 0x7E0, rx = 0x7E8,
  write_session = 0x03,
  -- profile: xor 5A5A5A5A, rol 3, add 1234 (4-byte seed)
  security = level3({ { "xor", 0x5A5A5A5A }, { "rol", 3 }, { "add", 0x1234 } }),
}
local gearbox = vw:module {
  id = "02", name = "Transmission electronics", tx = 0x7E1, rx = 0x7E9,
  write_session = 0x03,
  -- profile: mul 9E37, xor 7711 (2-byte seed and key)
  security = level3({ { "mul", 0x9E37 }, { "xor", 0x7711 } }),
}
local central = vw:module {
  id = "09", name = "Central electrics", tx = 0x70E, rx = 0x778,
  write_session = 0x03,
  -- profile: xor 13572468, rol 11, sub 0BAD
  security = level3({ { "xor", 0x13572468 }, { "rol", 11 }, { "sub", 0x0BAD } }),
}
local cluster = vw:module {
  id = "17", name = "Instrument cluster", tx = 0x714, rx = 0x77E,
  write_session = 0x03,
  -- profile: not, add 00C0FFEE, rol 7
  security = level3({ { "not" }, { "add", 0x00C0FFEE }, { "rol", 7 } }),
}
local gateway = vw:module {
  id = "19", name = "Data bus gateway", tx = 0x710, rx = 0x77A,
  write_session = 0x03,
  -- profile: swap, xor 0F0F0F0F, add 7531
  security = level3({ { "swap" }, { "xor", 0x0F0F0F0F }, { "add", 0x7531 } }),
}

-- 01 engine, coding 0x0600, 10 bytes, software 5432. Positions invented.
local engine_off = "The simulated engine refuses this write while it runs."
engine:feature {
  id = "start_stop_default", name = "Start/stop active at ignition on",
  did = CODING, byte = 0, bit = 0, help = engine_off,
}
engine:feature {
  id = "cruise_control", name = "Cruise control",
  did = CODING, byte = 8, bit = 0, help = engine_off,
}
engine:feature {
  id = "speed_limiter", name = "Adjustable speed limiter",
  did = CODING, byte = 8, bit = 1, help = engine_off,
  supported = needs_software("5500"),
}

-- 02 transmission, coding 0x0600, 8 bytes, software 4012. Positions invented.
gearbox:feature {
  id = "shift_program", name = "Shift program at start",
  kind = "choice", did = CODING, byte = 4, mask = 0x03,
  values = { [0x00] = "standard", [0x01] = "comfort", [0x02] = "sport" },
}
gearbox:feature {
  id = "paddle_shifters", name = "Steering wheel paddles",
  did = CODING, byte = 7, bit = 0,
}
gearbox:feature {
  id = "launch_control", name = "Launch control",
  did = CODING, byte = 6, bit = 0,
  supported = needs_software("4100"),
}

-- 09 central electrics, coding 0x0600, 30 bytes, software 0702.
-- Positions invented.
central:feature {
  id = "horn_on_lock", name = "Horn chirp on lock",
  did = CODING, byte = 0, bit = 0,
}
central:feature {
  id = "comfort_close_remote", name = "Close windows with the remote key",
  did = CODING, byte = 0, bit = 1,
}
central:feature {
  id = "daytime_running_lights", name = "Daytime running lights",
  did = CODING, byte = 1, bit = 0,
}
central:feature {
  id = "coming_home_time", name = "Coming home light duration",
  kind = "number", did = CODING, byte = 3, min = 0, max = 90, unit = "s",
}
central:feature {
  id = "auto_lock", name = "Lock doors when driving off",
  kind = "choice", did = CODING, byte = 5, mask = 0x0C,
  values = { [0x00] = "off", [0x04] = "15kmh", [0x08] = "30kmh" },
}
central:feature {
  id = "rain_closing", name = "Close windows when it rains",
  did = CODING, byte = 13, bit = 0,
  supported = needs_software("0700"),
}
central:feature {
  id = "mirror_fold_on_lock", name = "Fold mirrors on lock",
  did = CODING, byte = 10, bit = 6,
  supported = needs_software("0800"),
}

-- 17 instrument cluster, coding 0x0600, 20 bytes, software 0316.
-- Positions invented.
cluster:feature {
  id = "digital_speed", name = "Digital speed display",
  did = CODING, byte = 4, bit = 0,
  supported = needs_software("0300"),
}
cluster:feature {
  id = "needle_sweep", name = "Needle sweep at start",
  did = CODING, byte = 11, bit = 0,
  supported = needs_software("0400"),
}
cluster:feature {
  id = "language", name = "Display language",
  kind = "choice", did = CODING, byte = 2, mask = 0x0F,
  values = { [0x01] = "german", [0x02] = "english", [0x03] = "french",
             [0x04] = "italian", [0x05] = "spanish" },
}
cluster:feature {
  id = "fuel_warning", name = "Low fuel warning at",
  kind = "number", did = CODING, byte = 7, min = 5, max = 15, unit = "l",
}
cluster:feature {
  id = "workshop_code", name = "Workshop code",
  kind = "string", did = CODING, byte = 12, bytes = 5, charset = "digits", pad = "\0",
}

-- Display units: one choice that sets three fields of the cluster coding
-- together (byte 5 bit 0 distance, byte 5 bit 1 temperature, byte 6 bits
-- 0-1 volume; invented), so the cluster never shows a mix the script does
-- not know. A combination not in the table is refused rather than guessed.
local UNITS = {
  { name = "metric", dist = 0, temp = 0, vol = 0 },  -- km, deg C, litres
  { name = "uk", dist = 1, temp = 0, vol = 1 },      -- miles, deg C, imperial gallons
  { name = "us", dist = 1, temp = 1, vol = 2 },      -- miles, deg F, US gallons
}

cluster:feature {
  id = "units", name = "Display units",
  kind = "custom", dids = { CODING },
  values = { [0] = "metric", [1] = "uk", [2] = "us" },
  decode = function(rec)
    local r = rec[CODING]
    local b5, b6 = obd.byte(r, 5), obd.byte(r, 6)
    local dist, temp, vol = obd.bits(b5, 0x01), obd.bits(b5, 0x02), obd.bits(b6, 0x03)
    for i, u in ipairs(UNITS) do
      if u.dist == dist and u.temp == temp and u.vol == vol then
        return i - 1
      end
    end
    error(string.format("unit fields not understood (byte 5 %02X, byte 6 %02X)", b5, b6))
  end,
  encode = function(rec, value)
    local u = UNITS[value + 1]
    local r = rec[CODING]
    local b5 = obd.setbits(obd.setbits(obd.byte(r, 5), 0x01, u.dist), 0x02, u.temp)
    local b6 = obd.setbits(obd.byte(r, 6), 0x03, u.vol)
    return { [CODING] = obd.setbyte(obd.setbyte(r, 5, b5), 6, b6) }
  end,
}

-- 19 gateway, coding 0x0600 (its installation list), 24 bytes, software
-- 1251. Which bit stands for which module is invented.
gateway:feature {
  id = "installed_trailer", name = "Trailer module installed",
  did = CODING, byte = 5, bit = 7,
}
gateway:feature {
  id = "installed_parking_aid", name = "Parking aid installed",
  did = CODING, byte = 10, bit = 0,
}
gateway:feature {
  id = "installed_head_up_display", name = "Head-up display installed",
  did = CODING, byte = 12, bit = 5,
  supported = needs_software("1300"),
}

-- Flash procedure of the engine (module 01). Every value below comes from
-- the simulator's INVENTED profile (profiles/vehicles/vw.lua, flash =
-- {...}); NOTHING here has been verified on a real car, and a real VW
-- engine module is programmed differently:
--   * 1 MiB of flash at address 0, erased in sectors of 64 KiB by routine
--     FF00 (31 01 FF00 with address and size), checked by routine 0202:
--     status 00 when the CRC-32 (IEEE, as zlib) of the memory before its
--     last 4 bytes equals those 4 bytes, big-endian;
--   * the programming session 02 only from the extended session 03, then
--     security access level 11 (4-byte seed: add 0B16F00D, swap, ror 5,
--     not); programming refused while the engine runs (the simulated engine
--     idles: stop it, `sim:vw,engine=off`) and below 11 V;
--   * the module allows no read-out of its software: no backup is possible;
--   * the image names its part number at offset 0x400 (11 characters) and
--     its software version at 0x40C (4 characters, what F189 shows after
--     the flash);
--   * an interrupted flash starts again from the erase.
local function engine_key_11(seed)
  return sim_key(seed, { { "add", 0x0B16F00D }, { "swap" }, { "ror", 5 }, { "not" } })
end

vw:flash {
  id = "engine_sw", name = "Engine software (simulated vw)", module = "01",
  region = { address = 0x00000000, size = 0x100000 },
  accepts = { part = { "04E906027JT" }, hw = { "04E907309B" } },
  ident = {
    { at = 0x400, length = 11, module = "part" },
    { at = 0x40C, length = 4, module = "sw" },
  },
  volts = 12.0, engine_off = true,
  readout = false,
  restart = "erase",
  prepare = function(img)
    img:crc32 { from = 0, length = img:size() - 4, at = img:size() - 4 }
  end,
  run = function(job)
    job:session(0x03)
    job:session(0x02)
    job:unlock(0x11, engine_key_11)
    job:erase { routine = 0xFF00, address = 0x00000000, size = 0x100000 }
    job:download { address = 0x00000000, size = 0x100000 }
    job:routine { id = 0x0202, expect = 0x00 }
    job:reset(0x01)
  end,
}
