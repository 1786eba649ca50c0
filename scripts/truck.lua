-- truck.lua: brand script for obdcon's SIMULATED heavy truck, the invented
-- vehicle profiles/vehicles/truck.lua (`obdcon --port sim:truck`), whose
-- modules speak UDS on 29-bit CAN identifiers. It is an example of a
-- brand script for several modules, not a guide to any real vehicle.
--
-- NOTHING IN THIS FILE HAS BEEN VERIFIED ON A REAL VEHICLE.
--
-- Where each value comes from:
--   * module addresses 00 (engine), 03 (transmission), 0B (brakes), 17
--     (instrument cluster), 21 (body controller): the profile's choice, in
--     the style of the SAE J1939 preferred addresses as public J1939
--     summaries list them, not verified on any vehicle;
--   * CAN identifiers: normal fixed addressing of ISO 15765-2/-4, requests
--     on 18DA<module><F1>, answers on 18DA<F1><module>, tester at F1, as
--     the profile gives them (29-bit, hence ext = true);
--   * the parameter DID 0x0100 of each module (a number in the range ISO
--     14229-1 leaves to vehicle makers, chosen by the profile), its length
--     (engine 24 bytes, transmission 12, brakes 8, cluster 16, body 20),
--     that it is writable only in the extended session (0x03) after
--     security access level 1, and the software versions (F189) the
--     supported() predicates compare against: from the INVENTED profile;
--   * the seed/key algorithms: copied from the INVENTED profile's lists of
--     operations; they open the simulator's modules and nothing else;
--   * identification DIDs (F187, F189, F18C, F191, F197): ISO 14229-1
--     annex C, read by the console itself;
--   * every parameter position (which bytes mean what), name, unit and
--     range: MADE UP HERE. The profile gives the parameter blocks but no
--     meaning for any of their bytes; the positions below were chosen on
--     those invented bytes so that each kind of feature has a sensible
--     value on the simulated truck. No record of the profile carries a
--     checksum, so no feature here invents one.
--
-- Safety: the WMI "YV2" is real (a truck maker), so matching on it alone
-- would let this script write invented parameters into a real module.
-- The simulated VIN is YV2RT40AOQSIM0007: the letters O and Q at
-- positions 9 and 10 (and I at 12) can never occur in a real VIN (ISO 3779
-- excludes I, O and Q). vin_wmi therefore holds the prefix up to and
-- including that O, "YV2RT40AO", which no real vehicle can have; match()
-- refuses, in addition, any VIN without I, O or Q after the WMI.
-- The prefix keeps real vehicles out, and the console asks match() as a
-- second guard once the prefix fits (a match() that fails counts as no
-- match).
--
-- The simulated engine idles: it refuses parameter writes (0x22,
-- conditionsNotCorrect) while it runs, so engine parameters can be read
-- but not changed on the simulated truck.

-- True when the VIN holds a letter real VINs never have (I, O, Q) after
-- the WMI, i.e. when it can only be a simulated one.
local function impossible_vin(vin)
  return vin:sub(4):find("[IOQ]") ~= nil
end

local truck = brand {
  id = "truck",
  name = "Heavy truck (simulated vehicle 'truck' only)",
  vin_wmi = { "YV2RT40AO" },
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

-- A supported() predicate needing a minimum software version. Versions
-- (F189) read like P3412-07: a letter naming the module's software family,
-- four digits and a two-digit revision, so text comparison orders them
-- within one family; another family is not supported.
local function needs_software(min)
  return function(ecu)
    local why = "needs software " .. min .. " or later (module has " .. ecu.sw .. ")"
    if ecu.sw:sub(1, 1) ~= min:sub(1, 1) or #ecu.sw ~= #min then
      return false, why
    end
    return ecu.sw >= min, why
  end
end

local PARAMS = 0x0100

-- A module at J1939-style address addr, with normal fixed addressing.
local function module(addr, name, steps)
  return truck:module {
    id = string.format("%02X", addr), name = name,
    tx = 0x18DA00F1 | addr << 8, rx = 0x18DAF100 | addr, ext = true,
    write_session = 0x03,
    security = level1(steps),
  }
end

-- profile: xor 31415926, mul 0019660D, rol 13
local engine = module(0x00, "Engine management",
                      { { "xor", 0x31415926 }, { "mul", 0x0019660D }, { "rol", 13 } })
-- profile: add 0A0B0C0D, rol 17
local gearbox = module(0x03, "Transmission control",
                       { { "add", 0x0A0B0C0D }, { "rol", 17 } })
-- profile: xor 55AA, mul 0101 (2-byte seed and key)
local brakes = module(0x0B, "Brake system",
                      { { "xor", 0x55AA }, { "mul", 0x0101 } })
-- profile: not, ror 3
local cluster = module(0x17, "Instrument cluster", { { "not" }, { "ror", 3 } })
-- profile: sub 01234567, swap
local body = module(0x21, "Body controller", { { "sub", 0x01234567 }, { "swap" } })

-- 00 engine, DID 0x0100 (24 bytes), software P3412-07. Positions invented.
local engine_off = "The simulated engine refuses this write while it runs."
engine:feature {
  id = "road_speed_limit", name = "Road speed limit",
  kind = "number", did = PARAMS, byte = 0, bytes = 2, min = 30, max = 90, unit = "km/h",
  help = engine_off,
}

-- Cruise control top speed (bytes 2-3, invented): a number that must not
-- exceed the road speed limit held in bytes 0-1 of the same record. The
-- console checks the range 30..100; encode checks the limit the record
-- holds, and refuses a higher value: nothing is written then.
engine:feature {
  id = "cruise_max_speed", name = "Cruise control top speed",
  kind = "custom", dids = { PARAMS }, min = 30, max = 100, unit = "km/h",
  help = "At most the road speed limit. " .. engine_off,
  decode = function(rec)
    return obd.u16be(rec[PARAMS], 2)
  end,
  encode = function(rec, value)
    local r = rec[PARAMS]
    local kmh, limit = math.tointeger(value), obd.u16be(r, 0)
    if kmh == nil then
      error(string.format("%s km/h: whole km/h only", value))
    end
    if kmh > limit then
      error(string.format("%d km/h is above the road speed limit (%d km/h)", kmh, limit))
    end
    return { [PARAMS] = r:sub(1, 2) .. obd.u16be(kmh) .. r:sub(5) }
  end,
}
engine:feature {
  id = "idle_shutdown_time", name = "Idle shutdown after",
  kind = "number", did = PARAMS, byte = 4, bytes = 2, min = 0, max = 3600, unit = "s",
  help = "0: never. " .. engine_off,
}
engine:feature {
  id = "pto_engine_speed", name = "Engine speed with power take-off",
  kind = "number", did = PARAMS, byte = 12, bytes = 2, min = 600, max = 2000, unit = "rpm",
  help = engine_off,
}
engine:feature {
  id = "exhaust_brake_with_cruise", name = "Exhaust brake with cruise control",
  did = PARAMS, byte = 23, bit = 0, help = engine_off,
}
engine:feature {
  id = "hill_descent_cruise", name = "Downhill speed control",
  did = PARAMS, byte = 23, bit = 1, help = engine_off,
  supported = needs_software("P3500-00"),
}

-- 03 transmission, DID 0x0100 (12 bytes), software T0210-02.
-- Positions invented.
gearbox:feature {
  id = "eco_roll", name = "Freewheeling (eco roll)",
  did = PARAMS, byte = 0, bit = 0,
}
gearbox:feature {
  id = "driving_mode", name = "Driving mode at start",
  kind = "choice", did = PARAMS, byte = 3, mask = 0x03,
  values = { [0x00] = "economy", [0x01] = "standard", [0x02] = "power" },
}
gearbox:feature {
  id = "manoeuvre_timeout", name = "Manoeuvring mode ends after",
  kind = "number", did = PARAMS, byte = 6, min = 10, max = 120, unit = "s",
}
gearbox:feature {
  id = "auto_start_gear", name = "Automatic start gear choice",
  did = PARAMS, byte = 7, bit = 0,
  supported = needs_software("T0210-04"),
}

-- 0B brakes, DID 0x0100 (8 bytes), software B0117-01. Positions invented.
brakes:feature {
  id = "hill_start_aid", name = "Hill start aid",
  did = PARAMS, byte = 0, bit = 0,
}
brakes:feature {
  id = "hill_hold_time", name = "Hill start aid holds for",
  kind = "number", did = PARAMS, byte = 2, scale = 0.1, min = 0.5, max = 3, unit = "s",
}
brakes:feature {
  id = "trailer_control", name = "Trailer brake control",
  did = PARAMS, byte = 4, bit = 3,
}
brakes:feature {
  id = "brake_blending", name = "Brake blending with the retarder",
  did = PARAMS, byte = 4, bit = 1,
  supported = needs_software("B0117-02"),
}

-- 17 instrument cluster, DID 0x0100 (16 bytes), software I0408-03.
-- Positions invented.
cluster:feature {
  id = "language", name = "Display language",
  kind = "choice", did = PARAMS, byte = 0, mask = 0x0F,
  values = { [0x01] = "english", [0x02] = "swedish", [0x03] = "german", [0x04] = "french" },
}
cluster:feature {
  id = "clock_format", name = "Clock format",
  kind = "choice", did = PARAMS, byte = 1, mask = 0x01,
  values = { [0x00] = "12h", [0x01] = "24h" },
}
cluster:feature {
  id = "eco_coach", name = "Driver coaching messages",
  did = PARAMS, byte = 2, bit = 0,
  supported = needs_software("I0408-02"),
}
cluster:feature {
  id = "brightness", name = "Night brightness",
  kind = "number", did = PARAMS, byte = 4, min = 1, max = 10,
}
cluster:feature {
  id = "overspeed_warning", name = "Overspeed warning at",
  kind = "number", did = PARAMS, byte = 6, min = 30, max = 130, unit = "km/h",
}
cluster:feature {
  id = "fleet_name", name = "Fleet name shown at start",
  kind = "string", did = PARAMS, byte = 8, bytes = 8, pad = "\0",
}

-- 21 body controller, DID 0x0100 (20 bytes), software C0522-01.
-- Positions invented.
body:feature {
  id = "beacon_with_hazard", name = "Beacons with the hazard lights",
  did = PARAMS, byte = 0, bit = 0,
}
body:feature {
  id = "work_light_reverse", name = "Work light when reversing",
  did = PARAMS, byte = 0, bit = 1,
}
body:feature {
  id = "auto_lock", name = "Lock doors when driving off",
  did = PARAMS, byte = 3, bit = 0,
}
body:feature {
  id = "interior_light_delay", name = "Interior light stays on for",
  kind = "number", did = PARAMS, byte = 5, min = 0, max = 120, unit = "s",
}
body:feature {
  id = "alarm", name = "Cab alarm",
  did = PARAMS, byte = 6, bit = 0,
  supported = needs_software("C0600-00"),
}

-- Flash procedure of the engine (module 00). Every value below comes from
-- the simulator's INVENTED profile (profiles/vehicles/truck.lua, flash =
-- {...}); NOTHING here has been verified on a real vehicle:
--   * 256 KiB of flash at address 0, erased in sectors of 32 KiB by routine
--     FF00, checked by routine 0202: status 00 when the CRC-32 (IEEE, as
--     zlib) of the memory before its last 4 bytes equals those 4 bytes,
--     big-endian;
--   * programming in session 02 after security access level 5 (4-byte
--     seed: rol 1, xor DEADBEEF, swap, add 100), refused while the engine
--     runs (the simulated engine idles: stop it, `sim:truck,engine=off`)
--     and below 22 V; read-out in session 02 after the same unlock;
--   * a 24 V vehicle: the flash needs 24 V at the socket;
--   * the image names its software version at offset 0x80 (8 characters,
--     what F189 shows after the flash) and the module's part number at
--     0x8D (8 characters);
--   * an interrupted flash starts again from the erase.
local function engine_key_5(seed)
  return sim_key(seed, { { "rol", 1 }, { "xor", 0xDEADBEEF }, { "swap" }, { "add", 0x100 } })
end

truck:flash {
  id = "engine_sw", name = "Engine software (simulated truck)", module = "00",
  region = { address = 0x00000000, size = 0x40000 },
  accepts = { part = { "21695304" }, hw = { "21695311" } },
  ident = {
    { at = 0x8D, length = 8, module = "part" },
    { at = 0x80, length = 8, module = "sw" },
  },
  volts = 24.0, engine_off = true,
  readout = { session = 0x02, level = 0x05, key = engine_key_5 },
  restart = "erase",
  prepare = function(img)
    img:crc32 { from = 0, length = img:size() - 4, at = img:size() - 4 }
  end,
  run = function(job)
    job:session(0x02)
    job:unlock(0x05, engine_key_5)
    job:erase { routine = 0xFF00 }
    job:download {}
    job:routine { id = 0x0202, expect = 0x00 }
    job:reset(0x01)
  end,
}
