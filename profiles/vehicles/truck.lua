-- truck.lua: an INVENTED vehicle for the obdcon simulator: a heavy truck
-- whose modules speak UDS on 29-bit CAN identifiers. It describes no real
-- truck and nothing in it has been verified on one. Do not use it as a
-- reference for a real module.
--
-- What follows public conventions (and only their form, not their
-- content):
--   * normal fixed addressing of ISO 15765-2/-4: requests on 18DA<ECU><F1>,
--     answers on 18DA<F1><ECU>, functional OBD requests on 18DB33F1, the
--     tester at address F1, CAN 29-bit 250 kbit/s (ATSP9);
--   * ECU addresses in the style of the SAE J1939 preferred addresses as
--     given in public J1939 summaries (00 engine, 03 transmission, 0B
--     brakes, 17 instrument cluster, 21 body controller), not verified on
--     any vehicle;
--   * identification DIDs F187, F189, F18C, F190, F191, F197: ISO 14229-1
--     annex C; OBD-II PIDs and their scaling: SAE J1979;
--   * routine ids FF00 (erase memory, ISO 14229-1 annex F) and 0202.
-- Invented: part numbers, versions, serial numbers, parameter blocks
-- (DID 0x0100, chosen here in the range ISO 14229-1 leaves to vehicle
-- makers), trouble codes, seed/key algorithms, memory layout, timings,
-- and the DIDs 0x0200 (odometer), 0x0201 (outside temperature).
--
-- The VIN: the WMI "YV2" is real (a truck maker), so the rest of the VIN
-- makes it impossible: it contains the letters O, Q and I after the WMI,
-- which real VINs never do (ISO 3779). A brand script for this WMI must
-- check for such a letter before it treats a vehicle as simulated.
--
-- The engine idles at 600 rpm (running = true). The engine module asks a
-- tester sending a segmented request for blocks of 8 frames, 10 ms apart
-- (fc_bs, fc_stmin); its memory can be read out with RequestUpload (0x35)
-- in the programming session after security access, and is checked with
-- CRC-32. Parameter writes need the extended session and security.
--
-- Fields used here (the full reference is the header of demo.lua):
--   vin, voltage, protocol; per ECU: id, name, tx, rx, obd, pad, fc_bs,
--   fc_stmin, dids, writable ([DID] = { session, security, engine_off }),
--   sessions, services, p2_ms, p2star_ms, s3_ms, reset_ms, min_volts,
--   security ({ level, seed_len, key_len, algo = { {op, arg}... } with xor
--   add sub mul rol ror not swap, attempts, lockout_ms, session }),
--   dtc_mask, dtcs ({ code, status, stored, snapshot, extended,
--   returns_ms }), live ({ running, rpm, speed, coolant, ambient, load,
--   throttle, fuel, odometer }), pids, live_dids ([DID] = { quantity,
--   bytes, factor, offset }), flash ({ addr, size, sector, max_block,
--   checksum, erase_routine, check_routine, erase_ms, check_ms, access,
--   readout, image = { fill, noise, at, data, sign }, image_dids, boot }).
return {
  id = "truck",
  name = "Heavy truck (invented, 29-bit UDS, engine idling)",
  vin = "YV2RT40AOQSIM0007",
  voltage = 25.2,
  protocol = 9,
  ecus = {
    {
      id = "00", name = "Engine management",
      tx = 0x18DA00F1, rx = 0x18DAF100, obd = true, pad = 0x00,
      fc_bs = 8, fc_stmin = 10,
      p2_ms = 50, p2star_ms = 5000, s3_ms = 5000, reset_ms = 1500,
      min_volts = 22.0,
      live = { running = true, rpm = 600, speed = 0, coolant = 70, ambient = 5,
               load = 12, throttle = 0, fuel = 75, odometer = 612450 },
      pids = { 0x01, 0x04, 0x05, 0x0C, 0x0D, 0x0F, 0x11, 0x1F, 0x42, 0x46 },
      dids = {
        [0xF187] = "21695304",
        [0xF189] = "P3412-07",
        [0xF18C] = "TRSIM00077001",
        [0xF191] = "21695311",
        [0xF197] = "EMS D13",
        -- Parameter block, 24 bytes (invented content).
        [0x0100] = hex("00 5A 00 50 01 2C 00 00 0F A0 00 00 03 E8 00 00"
                    .. "00 00 00 14 00 00 00 01"),
      },
      writable = { [0x0100] = { session = 3, security = 0x01, engine_off = true } },
      security = {
        { level = 0x01, seed_len = 4, attempts = 2, lockout_ms = 30000, session = 3,
          algo = { {"xor", 0x31415926}, {"mul", 0x0019660D}, {"rol", 13} } },
        { level = 0x05, seed_len = 4, attempts = 2, lockout_ms = 30000, session = 2,
          algo = { {"rol", 1}, {"xor", 0xDEADBEEF}, {"swap"}, {"add", 0x100} } },
      },
      dtcs = {
        { code = 0x00006E0B, status = 0x09, returns_ms = 2000,        -- invented
          snapshot = { [0xF40C] = hex("09 60"), [0xF405] = hex("6E") },
          extended = { [0x01] = hex("11"), [0x02] = hex("00 42") } },
        { code = "P20EE", status = 0x24 },
      },
      flash = {
        addr = 0x00000000, size = 0x40000, sector = 0x8000, max_block = 0x0402,
        checksum = "crc32", erase_routine = 0xFF00, check_routine = 0x0202,
        erase_ms = 6000, check_ms = 1000,
        access = { session = 2, security = 0x05, engine_off = true },
        readout = { session = 2, security = 0x05 },
        -- software version at 0x80 (DID F189), part number at 0x8D
        image = { noise = 0x7007, at = 0x80, data = "P3412-07 EMS 21695304" },
        image_dids = { [0xF189] = 0x80 },
        boot = "BL-D13 0304",
      },
    },
    {
      id = "03", name = "Transmission control",
      tx = 0x18DA03F1, rx = 0x18DAF103, obd = true, pad = 0x00,
      pids = { 0x0D },
      dids = {
        [0xF187] = "22327063",
        [0xF189] = "T0210-02",
        [0xF18C] = "TRSIM00077003",
        [0xF191] = "22327070",
        [0xF197] = "TECU AMT",
        [0x0100] = hex("01 0C 00 02 00 00 1E 00 00 00 00 00"),   -- 12 bytes
      },
      writable = { [0x0100] = { session = 3, security = 0x01 } },
      security = { level = 0x01, seed_len = 4,
                   algo = { {"add", 0x0A0B0C0D}, {"rol", 17} } },
      dtcs = { { code = 0x00054F05, status = 0x08 } },         -- invented
    },
    {
      id = "0B", name = "Brake system",
      tx = 0x18DA0BF1, rx = 0x18DAF10B, pad = 0x00,
      dids = {
        [0xF187] = "21441082",
        [0xF189] = "B0117-01",
        [0xF18C] = "TRSIM00077011",
        [0xF191] = "21441099",
        [0xF197] = "EBS 5",
        [0x0100] = hex("00 00 19 00 0A 00 00 00"),               -- 8 bytes
      },
      writable = { [0x0100] = { session = 3, security = 0x01 } },
      security = { level = 0x01, seed_len = 2, key_len = 2,
                   algo = { {"xor", 0x55AA}, {"mul", 0x0101} } },
      dtcs = { { code = 0x000BE012, status = 0x00 } },          -- invented
    },
    {
      id = "17", name = "Instrument cluster",
      tx = 0x18DA17F1, rx = 0x18DAF117, pad = 0x00,
      dids = {
        [0xF187] = "21975001",
        [0xF189] = "I0408-03",
        [0xF18C] = "TRSIM00077023",
        [0xF191] = "21975010",
        [0xF197] = "IC 12 inch",
        [0x0100] = hex("02 01 00 00 05 00 50 00 00 00 00 00 00 00 00 00"), -- 16
      },
      writable = { [0x0100] = { session = 3, security = 0x01 } },
      security = { level = 0x01, seed_len = 4,
                   algo = { {"not"}, {"ror", 3} } },
      live_dids = {
        [0x0200] = { "odometer", bytes = 4, factor = 8 },         -- 0.125 km
        [0x0201] = { "ambient", bytes = 2, factor = 32, offset = 8736 }, -- J1939-style
      },
      dtcs = { { code = 0x00070E09, status = 0x08 } },          -- invented
    },
    {
      id = "21", name = "Body controller",
      tx = 0x18DA21F1, rx = 0x18DAF121, pad = 0x00,
      dids = {
        [0xF187] = "22088001",
        [0xF189] = "C0522-01",
        [0xF18C] = "TRSIM00077033",
        [0xF191] = "22088010",
        [0xF197] = "BBM",
        [0x0100] = hex("03 00 00 01 00 1E 00 00 00 00 00 00 00 00 00 00 00 00 00 00"),
      },
      writable = { [0x0100] = { session = 3, security = 0x01 } },
      security = { level = 0x01, seed_len = 4,
                   algo = { {"sub", 0x01234567}, {"swap"} } },
      dtcs = { { code = 0x0015C309, status = 0x09 } },          -- invented
    },
    -- Not declared by scripts/truck.lua, on purpose: the console's module
    -- discovery (scan) must find it on 29-bit identifiers on its own. The
    -- address 10 is in the style of the J1939 preferred addresses named
    -- above (a driveline retarder), not verified on any vehicle; the
    -- supplier identifier (F18A) is invented.
    {
      id = "10", name = "Retarder",
      tx = 0x18DA10F1, rx = 0x18DAF110, pad = 0x00,
      dids = {
        [0xF187] = "21345678",
        [0xF189] = "R0301-02",
        [0xF18A] = "SIMSUP03",
        [0xF18C] = "TRSIM00077043",
        [0xF191] = "21345670",
        [0xF197] = "RET 3500",
      },
    },
  },
}
