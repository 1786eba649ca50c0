-- ford.lua: an INVENTED vehicle for the obdcon simulator, in the style of
-- a Ford estate car sold in Europe. It describes no real car and nothing
-- in it has been verified on one. Do not use it as a reference for a real
-- module.
--
-- What follows public conventions (and only their form, not their
-- content):
--   * identification DIDs F187, F189, F18C, F190, F191, F197: ISO 14229-1
--     annex C;
--   * OBD-II PIDs and their scaling: SAE J1979; engine and transmission
--     identifiers 7E0/7E8, 7E1/7E9, functional 7DF: ISO 15765-4;
--   * the other CAN identifiers (726/72E body control module, 720/728
--     instrument cluster, 716/71E gateway, 760/768 ABS) are those widely
--     listed by the community around open-source and hobby Ford tools:
--     from public community documentation, not verified on a car;
--   * configuration ("as-built") blocks in DIDs 0xDE00, 0xDE01, ... as such
--     tools describe them; their lengths and every byte here are invented;
--   * routine ids FF00 (erase memory) and FF01 (check programming
--     dependencies): ISO 14229-1 annex F; their use for a checksum here is
--     this simulator's choice.
-- Invented: part numbers, versions, serial numbers, configuration bytes,
-- trouble codes, seed/key algorithms (3-byte seeds), memory layout,
-- timings, and the DIDs 0x404C (odometer), 0x411F (outside temperature).
--
-- The VIN: the WMI "WF0" is real (Ford Germany), so the rest of the VIN
-- makes it impossible: it contains the letters O and I after the WMI,
-- which real VINs never do (ISO 3779). A brand script for this WMI must
-- check for such a letter before it treats a car as simulated.
--
-- The engine is off (ignition on, 12.5 V). Writes need the extended
-- session (0x2E in the default session: 0x7F) and security level 1; the
-- engine memory can be read out (0x23, 0x35) in the extended or
-- programming session after security access; its image is checked with a
-- 16-bit additive sum.
--
-- Fields used here (the full reference is the header of demo.lua):
--   vin, voltage, protocol; per ECU: id, name, tx, rx, obd, fc_bs,
--   fc_stmin (flow control asked of the tester), dids, writable ({ DID }
--   or [DID] = { session, security, engine_off }), sessions, services,
--   service_sessions, p2_ms, p2star_ms, s3_ms, reset_ms, min_volts,
--   security ({ level, seed_len, key_len, algo = { {op, arg}... } with xor
--   add sub mul rol ror not swap, attempts, lockout_ms, session }),
--   dtc_mask, dtcs ({ code, status, stored, snapshot, extended,
--   returns_ms }), live ({ running, rpm, speed, coolant, ambient, load,
--   throttle, fuel, odometer }), pids, live_dids ([DID] = { quantity,
--   bytes, factor, offset }), flash ({ addr, size, sector, max_block,
--   checksum, erase_routine, check_routine, erase_ms, check_ms, access,
--   readout, image = { fill, noise, at, data, sign }, image_dids, boot }).
local writes = { [0x2E] = 3 }   -- 0x2E only in the extended session

return {
  id = "ford",
  name = "Family estate (invented, Ford style, engine off)",
  vin = "WF0FXXGCDFOSIM042",
  voltage = 12.5,
  protocol = 6,
  ecus = {
    {
      id = "PCM", name = "Powertrain control module",
      tx = 0x7E0, rx = 0x7E8, obd = true,
      fc_bs = 8, fc_stmin = 5,
      p2_ms = 50, p2star_ms = 5000, reset_ms = 600,
      service_sessions = writes,
      live = { running = false, coolant = 19, ambient = 17, fuel = 40, odometer = 102044 },
      pids = { 0x01, 0x04, 0x05, 0x0C, 0x0D, 0x0F, 0x11, 0x2F, 0x42, 0x46 },
      dids = {
        [0xF187] = "JX6A-12A650-BD",
        [0xF189] = "JX6A-14C204-AC",
        [0xF18C] = "FSIM0000777123",
        [0xF191] = "JX6A-12B684-AA",
        [0xF197] = "PCM 1.5 ECOBOOST",
        [0xDE00] = hex("10 22 04 00 0A 00 00 1F"),            -- 8 bytes
      },
      writable = { [0xDE00] = { session = 3, security = 1 } },
      security = {
        { level = 0x01, seed_len = 3, key_len = 3, attempts = 3, lockout_ms = 10000,
          algo = { {"xor", 0x00A5C3E1}, {"rol", 9}, {"add", 0x00135799} } },
      },
      dtcs = {
        { code = "P0128", status = 0x2C, snapshot = { [0xF405] = hex("46") },
          extended = { [0x01] = hex("0B") } },
        { code = "P0456", status = 0x04 },
      },
      flash = {
        addr = 0x00080000, size = 0x40000, sector = 0x4000, max_block = 0x0802,
        checksum = "sum16", erase_routine = 0xFF00, check_routine = 0xFF01,
        erase_ms = 3000, check_ms = 400,
        access = { session = 2, security = 0x01, engine_off = true },
        readout = { session = { 2, 3 }, security = 0x01 },
        -- software part number at 0x100 (DID F189), the module's part
        -- number at 0x110
        image = { fill = 0xFF, at = 0x100, data = "JX6A-14C204-AC\255\255JX6A-12A650-BD" },
        image_dids = { [0xF189] = 0x100 },
        boot = "JX6A-14C366-AA",
      },
    },
    {
      id = "TCM", name = "Transmission control module",
      tx = 0x7E1, rx = 0x7E9, obd = true,
      pids = { 0x0D },
      service_sessions = writes,
      dids = {
        [0xF187] = "JX6P-7J104-AB",
        [0xF189] = "JX6P-14C337-AD",
        [0xF18C] = "FSIM0000777456",
        [0xF191] = "JX6P-7Z369-AA",
        [0xF197] = "TCM 6F15",
        [0xDE00] = hex("01 00 03 10 00"),                      -- 5 bytes
      },
      writable = { [0xDE00] = { session = 3, security = 1 } },
      security = { level = 0x01, seed_len = 3, key_len = 3,
                   algo = { {"add", 0x00ABCDEF}, {"xor", 0x00FF00FF} } },
      dtcs = { { code = "P0731", status = 0x08 } },
    },
    {
      id = "BCM", name = "Body control module",
      tx = 0x726, rx = 0x72E,
      service_sessions = writes,
      dids = {
        [0xF187] = "JX7T-15604-ACD",
        [0xF189] = "JX7T-14C184-AB",
        [0xF18C] = "FSIM0000777789",
        [0xF191] = "JX7T-14B476-AB",
        [0xF197] = "BCM GEN2",
        -- As-built blocks (invented content): 8, 12 and 10 bytes.
        [0xDE00] = hex("2A 08 40 00 81 10 00 4C"),
        [0xDE01] = hex("00 05 10 C0 00 22 01 00 00 00 18 0A"),
        [0xDE02] = hex("60 00 00 00 11 00 02 00 00 3C"),
      },
      writable = {
        [0xDE00] = { session = 3, security = 1 },
        [0xDE01] = { session = 3, security = 1 },
        [0xDE02] = { session = 3, security = 1 },
      },
      security = { level = 0x01, seed_len = 3, key_len = 3,
                   algo = { {"xor", 0x00C0FFEE}, {"ror", 4}, {"sub", 0x00001111} } },
      live_dids = {
        [0x411F] = { "ambient", bytes = 1, offset = 40 },    -- degrees C + 40
      },
      dtcs = {
        { code = "B1317", status = 0x09, extended = { [0x01] = hex("02") } },
      },
    },
    {
      id = "IPC", name = "Instrument panel cluster",
      tx = 0x720, rx = 0x728,
      service_sessions = writes,
      dids = {
        [0xF187] = "JX7T-10849-EAG",
        [0xF189] = "JX7T-14C026-AF",
        [0xF18C] = "FSIM0000778001",
        [0xF191] = "JX7T-10849-EA",
        [0xF197] = "IPC LCD 4.2",
        [0xDE00] = hex("00 20 14 08 00 00 11"),                -- 7 bytes
        [0xDE01] = hex("01 00 00 40 00 00 00 00 02 00 00"),    -- 11 bytes
      },
      writable = {
        [0xDE00] = { session = 3, security = 1 },
        [0xDE01] = { session = 3, security = 1 },
      },
      security = { level = 0x01, seed_len = 3, key_len = 3,
                   algo = { {"not"}, {"add", 0x00424242} } },
      live_dids = {
        [0x404C] = { "odometer", bytes = 3, factor = 10 },   -- 0.1 km
        [0x411F] = { "ambient", bytes = 1, offset = 40 },
      },
      dtcs = { { code = "U0155", status = 0x00 } },
    },
    {
      id = "GWM", name = "Gateway module",
      tx = 0x716, rx = 0x71E,
      service_sessions = writes,
      dids = {
        [0xF187] = "JX7T-14F642-AD",
        [0xF189] = "JX7T-14H136-AB",
        [0xF18C] = "FSIM0000778222",
        [0xF191] = "JX7T-14F642-AA",
        [0xF197] = "GWM HS/MS",
        [0xDE00] = hex("03 1F 00 00 00 00 00 00 C0 00"),       -- 10 bytes
      },
      writable = { [0xDE00] = { session = 3, security = 1 } },
      security = { level = 0x01, seed_len = 3, key_len = 3,
                   algo = { {"swap"}, {"ror", 8}, {"xor", 0x00123456} } },
      dtcs = { { code = "U3000", ftb = 0x49, status = 0x08 } },
    },
    {
      id = "ABS", name = "Anti-lock brake system",
      tx = 0x760, rx = 0x768,
      sessions = { 1, 3 },
      dids = {
        [0xF187] = "JX7C-2C405-AB",
        [0xF189] = "JX7C-14C036-AC",
        [0xF18C] = "FSIM0000778333",
        [0xF191] = "JX7C-2C219-AA",
        [0xF197] = "ABS ESP 9.3",
      },
      dtcs = { { code = "C0040", status = 0x08 } },
    },
    -- The next two are not declared by scripts/ford.lua, on purpose: the
    -- console's module discovery (scan) must find them on its own. Their
    -- identifiers (737/73F restraints, 736/73E parking aid) are in the
    -- style of the community lists named above, not verified on a car; the
    -- supplier identifiers (F18A) are invented.
    {
      id = "RCM", name = "Restraints control module",
      tx = 0x737, rx = 0x73F,
      sessions = { 1, 3 },
      dids = {
        [0xF187] = "JX7T-14B321-AC",
        [0xF189] = "JX7T-14C028-AB",
        [0xF18A] = "SIMSUP02",
        [0xF18C] = "FSIM0000778444",
        [0xF191] = "JX7T-14B056-AA",
        [0xF197] = "RCM GEN3",
      },
      dtcs = { { code = "B0095", status = 0x08 } },
    },
    {
      id = "PAM", name = "Parking aid module",
      tx = 0x736, rx = 0x73E,
      sessions = { 1, 3 },
      dids = {
        [0xF187] = "JX7T-15K866-AD",
        [0xF189] = "JX7T-14D099-AA",
        [0xF18C] = "FSIM0000778555",
        [0xF191] = "JX7T-15K866-AA",
        [0xF197] = "PAM 12 SENSOR",
      },
    },
  },
}
