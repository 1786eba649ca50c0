-- vw.lua: an INVENTED vehicle for the obdcon simulator, in the style of a
-- VW-group compact car. It describes no real car and nothing in it has
-- been verified on one. Do not use it as a reference for a real module.
--
-- What follows public conventions (and only their form, not their
-- content):
--   * identification DIDs F187 (spare part number), F189 (software
--     version), F18C (serial number), F190 (VIN), F191 (hardware number),
--     F197 (system name): ISO 14229-1 annex C;
--   * OBD-II PIDs and their scaling: SAE J1979; engine request/response
--     identifiers 7E0/7E8 and 7E1/7E9, functional 7DF: ISO 15765-4;
--   * the other CAN identifiers (70E/778 central electrics, 714/77E
--     instrument cluster, 710/77A gateway) are those widely published in
--     open-source VW diagnostic tools: from public community
--     documentation, not verified on a car;
--   * long coding in DID 0x0600 as such tools describe it; its length and
--     every byte here are invented;
--   * routine ids FF00 (erase memory, ISO 14229-1 annex F) and 0202
--     (check memory, a common OEM choice).
-- Invented: part numbers, versions, serial numbers, coding bytes, trouble
-- codes, snapshot data, seed/key algorithms, memory layout, timings, and
-- the DIDs 0x2203 (odometer) and 0x2609 (outside temperature).
--
-- The VIN: the WMI "WVW" is real (Volkswagen), so the rest of the VIN
-- makes it impossible: it contains the letters O and I after the WMI,
-- which real VINs never do (ISO 3779). A brand script for this WMI must
-- check for such a letter before it treats a car as simulated.
--
-- The engine idles (running = true): rpm, coolant, voltage and the other
-- live values change with the modelled time. Programming needs the
-- extended session first, security level 0x11 and 11 V or more; read-out
-- of the engine's memory is refused (0x31).
--
-- Fields used here (the full reference is the header of demo.lua):
--   vin, voltage, protocol; per ECU: id, name, tx, rx, obd, pad, fc_bs,
--   fc_stmin (flow control asked of the tester), dids, writable ({ DID }
--   or [DID] = { session, security, engine_off }), sessions, services,
--   service_sessions, p2_ms, p2star_ms, s3_ms, reset_ms,
--   programming_from_extended, min_volts, security ({ level, seed_len,
--   key_len, algo = { {op, arg}... } with xor add sub mul rol ror not swap,
--   attempts, lockout_ms, session }), dtc_mask, dtcs ({ code, status,
--   stored, snapshot, extended, returns_ms }), live ({ running, rpm,
--   speed, coolant, ambient, load, throttle, fuel, odometer }), pids,
--   live_dids ([DID] = { quantity, bytes, factor, offset }), flash ({ addr,
--   size, sector, max_block, checksum, erase_routine, check_routine,
--   erase_ms, check_ms, access, readout, image = { fill, noise, at, data,
--   sign }, image_dids, boot }).
return {
  id = "vw",
  name = "Compact hatchback (invented, VW-group style, engine idling)",
  vin = "WVWZZZAUZOSIM0001",
  voltage = 12.4,
  protocol = 6,
  ecus = {
    {
      id = "01", name = "Engine electronics",
      tx = 0x7E0, rx = 0x7E8, obd = true,
      p2_ms = 50, p2star_ms = 5000, s3_ms = 5000, reset_ms = 800,
      programming_from_extended = true, min_volts = 11.0,
      live = { running = true, rpm = 800, speed = 0, coolant = 35, ambient = 14,
               load = 18, throttle = 14, fuel = 62, odometer = 48213 },
      pids = { 0x01, 0x04, 0x05, 0x0C, 0x0D, 0x0F, 0x11, 0x1F, 0x2F, 0x42, 0x46 },
      dids = {
        [0xF187] = "04E906027JT",
        [0xF189] = "5432",
        [0xF18C] = "VWXSIM00001234",
        [0xF191] = "04E907309B",
        [0xF197] = "R4 1.4l TSI  ",
        -- Coding, 10 bytes (invented content).
        [0x0600] = hex("01 00 12 00 18 24 00 00 01 00"),
      },
      writable = { [0x0600] = { session = 3, security = 3, engine_off = true } },
      security = {
        { level = 0x03, seed_len = 4, attempts = 3, lockout_ms = 10000, session = 3,
          algo = { {"xor", 0x5A5A5A5A}, {"rol", 3}, {"add", 0x1234} } },
        { level = 0x11, seed_len = 4, attempts = 3, lockout_ms = 10000, session = 2,
          algo = { {"add", 0x0B16F00D}, {"swap"}, {"ror", 5}, {"not"} } },
      },
      dtcs = {
        { code = "P0171", status = 0x2F,
          snapshot = { [0xF40C] = hex("0C 80"), [0xF405] = hex("7B"), [0xF442] = hex("37 00") },
          extended = { [0x01] = hex("02"), [0x02] = hex("05") } },
        { code = "P0300", status = 0x24, returns_ms = 4000 },
        { code = "P0420", status = 0x00 },
      },
      flash = {
        addr = 0x00000000, size = 0x100000, sector = 0x10000, max_block = 0x0FFF,
        checksum = "crc32", erase_routine = 0xFF00, check_routine = 0x0202,
        erase_ms = 8000, check_ms = 2000,
        access = { session = 2, security = 0x11, engine_off = true },
        readout = false,
        -- part number at 0x400, software version at 0x40C (DID F189)
        image = { noise = 0x5A5A, at = 0x400, data = "04E906027JT 5432" },
        image_dids = { [0xF189] = 0x40C },
        boot = "BL 04E906027 0021",
      },
    },
    {
      id = "02", name = "Transmission electronics",
      tx = 0x7E1, rx = 0x7E9, obd = true,
      pids = { 0x0D },
      dids = {
        [0xF187] = "0CW300050N",
        [0xF189] = "4012",
        [0xF18C] = "TSIM0000567890",
        [0xF191] = "0CW927711C",
        [0xF197] = "DQ200-MQB",
        [0x0600] = hex("00 04 10 00 02 00 00 01"),
      },
      writable = { [0x0600] = { session = 3, security = 3 } },
      security = { level = 0x03, seed_len = 2, key_len = 2,
                   algo = { {"mul", 0x9E37}, {"xor", 0x7711} } },
      dtcs = {
        { code = "P0715", status = 0x28, extended = { [0x01] = hex("01") } },
      },
    },
    {
      id = "09", name = "Central electrics",
      tx = 0x70E, rx = 0x778,
      dids = {
        [0xF187] = "5Q0937084AL",
        [0xF189] = "0702",
        [0xF18C] = "BSIM0004711255",
        [0xF191] = "5Q0937084",
        [0xF197] = "BCM MQB H13",
        -- Long coding, 30 bytes (invented content).
        [0x0600] = hex("2A 07 01 3C 00 24 41 00 18 00 C0 08 0F 21 00 00"
                    .. "84 10 02 00 00 20 00 00 40 00 00 00 00 00"),
      },
      writable = { [0x0600] = { session = 3, security = 3 } },
      security = { level = 0x03, seed_len = 4,
                   algo = { {"xor", 0x13572468}, {"rol", 11}, {"sub", 0x0BAD} } },
      live_dids = {
        [0x2609] = { "ambient", bytes = 1, offset = 40 },   -- degrees C + 40
      },
      dtcs = {
        { code = 0x9A2E15, status = 0x09,
          snapshot = { [0x2609] = hex("35") } },             -- invented
      },
    },
    {
      id = "17", name = "Instrument cluster",
      tx = 0x714, rx = 0x77E,
      dids = {
        [0xF187] = "5G1920640B",
        [0xF189] = "0316",
        [0xF18C] = "KSIM0000998877",
        [0xF191] = "5G1920640",
        [0xF197] = "KOMBI MQB",
        -- Coding, 20 bytes (invented content).
        [0x0600] = hex("01 12 03 04 10 00 00 0A 02 00 00 81 00 00 00 00 00 00 00 00"),
      },
      writable = { [0x0600] = { session = 3, security = 3 } },
      security = { level = 0x03, seed_len = 4,
                   algo = { {"not"}, {"add", 0x00C0FFEE}, {"rol", 7} } },
      live_dids = {
        [0x2203] = { "odometer", bytes = 3 },                -- km
        [0x2609] = { "ambient", bytes = 1, offset = 40 },    -- degrees C + 40
      },
      dtcs = {
        { code = 0xA10113, status = 0x08 },                  -- invented
      },
    },
    {
      id = "19", name = "Data bus gateway",
      tx = 0x710, rx = 0x77A,
      dids = {
        [0xF187] = "5Q0907530M",
        [0xF189] = "1251",
        [0xF18C] = "GSIM0000123123",
        [0xF191] = "5Q0907530",
        [0xF197] = "GW MQB High",
        -- Installation list as coding, 24 bytes (invented content).
        [0x0600] = hex("EF 3F 0C 00 00 80 01 00 00 00 01 00 20 00 00 00"
                    .. "00 00 00 00 00 00 00 00"),
      },
      writable = { [0x0600] = { session = 3, security = 3 } },
      security = { level = 0x03, seed_len = 4,
                   algo = { {"swap"}, {"xor", 0x0F0F0F0F}, {"add", 0x7531} } },
      dtcs = {
        { code = "U0121", status = 0x08, extended = { [0x01] = hex("07") } },
      },
    },
    -- Not declared by scripts/vw.lua, on purpose: the console's module
    -- discovery (scan) must find it on its own. Its reply identifier is not
    -- the request identifier + 8 (715/77F, in the style of the pairs above;
    -- from public community documentation, not verified on a car). It also
    -- gives a supplier identifier (F18A, invented).
    {
      id = "15", name = "Airbag",
      tx = 0x715, rx = 0x77F,
      dids = {
        [0xF187] = "5Q0959655AS",
        [0xF189] = "0841",
        [0xF18A] = "SIMSUP01",
        [0xF18C] = "ASIM0000314159",
        [0xF191] = "5Q0959655",
        [0xF197] = "AIRBAG VW10",
      },
      dtcs = {
        { code = "B0001", status = 0x08 },                   -- invented
      },
    },
  },
}
