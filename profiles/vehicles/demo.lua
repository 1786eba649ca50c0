-- demo.lua: an INVENTED vehicle for the obdcon simulator (the default of
-- `obdcon --demo`). Nothing here comes from a real car: the VIN, part
-- numbers, software versions, serial numbers, coding layouts, trouble
-- codes, security algorithms and memory layouts are made up, in the style
-- of public conventions: identification DIDs 0xF187.. from ISO 14229-1
-- annex C, VW-style coding in DID 0x0600, OBD-II PIDs from SAE J1979, CAN
-- identifiers 7E0/7E8 from ISO 15765-4. None of it has been verified on a
-- vehicle. Do not use it as a reference for coding a real module.
--
-- The VIN starts with "OBD": real VINs never contain the letters I, O or Q
-- (ISO 3779), so the demo brand script, which matches this prefix, can
-- never match a real car and write invented coding positions to it.
--
-- The car stands with the ignition on and the engine off (battery at
-- rest, 12.6 V), as for coding and flashing. The console's own tests rely
-- on this file: the DIDs and the 0x0600/0x0601 layouts below, 0x0601
-- writable in the default session without security, the central
-- electrics and the cluster knowing the default session only and not
-- answering ECUReset (0x11), also not to a functional request (the engine
-- does: a flash ends with a reset).
--
-- Vehicle fields:
--   id, name    profile name (as in "sim:demo") and description
--   vin         17 characters; also the value of DID 0xF190 of every ECU
--               that does not list its own
--   voltage     battery voltage at the OBD socket (ATRV, mode 01 PID 42)
--   protocol    what an automatic protocol search finds (6: CAN 11/500)
--   ecus        the control modules, each a table with the fields below
--
-- ECU fields (all optional but id, tx, rx):
--   id, name    module address as brand scripts use it (1..15 characters),
--               and name
--   tx, rx      CAN identifiers seen from the tester: requests go to tx,
--               answers come from rx (29-bit if above 0x7FF, or ext = true)
--   obd         answers OBD-II modes 01/03/04/07/09, also to functional
--               requests (7DF, 18DB33F1)
--   pad         byte its frames are padded with (default 0xAA; false: none)
--   fc_bs, fc_stmin  flow control it asks of a tester sending a segmented
--               request (block size, separation time; default 0, 0)
--   dids        [DID] = value: strings hold ASCII text, hex("..") bytes
--   writable    DIDs that WriteDataByIdentifier (0x2E) may change: a list
--               { 0x0601 } (any session, no security), or
--               { [0x0600] = { session = 3, security = 1, engine_off = true } }
--               (session: a session or a list; security: the level(s) one
--               of which must be unlocked; engine_off: refused with 0x22
--               while the engine runs), or both in one table
--   sessions    supported sessions (default { 1, 2, 3 }); others get 0x12
--   services    supported UDS services (default: all the simulator knows:
--               10 11 14 19 22 23 27 28 2E 31 34 35 36 37 3E 85); others
--               get 0x11 serviceNotSupported
--   service_sessions  [SID] = sessions a service is allowed in; outside
--               them 0x7F. Defaults: 27, 28, 85 in sessions 2 and 3;
--               34, 35, 36, 37 in session 2; the others everywhere
--   p2_ms, p2star_ms  timing sent in the 0x50 answer (default 50, 5000)
--   s3_ms       back to the default session, locked, after this long
--               without a request (default 5000)
--   reset_ms    after 0x11 the module answers nothing this long (500)
--   programming_from_extended  10 02 only from session 3 (else 0x22)
--   min_volts   programming (10 02, erase, download) refused below this
--               voltage with 0x22 (0x93 during a download); default 11
--   security    a level or a list of levels:
--               { level = 1 (odd: the seed request; the key is level+1),
--                 seed_len = 4, key_len = seed_len (1..4 bytes),
--                 algo = { {"xor", 0x5A5A5A5A}, {"rol", 3}, ... },
--                 attempts = 3, lockout_ms = 10000,
--                 session = { 2, 3 } (where it can be unlocked) }
--               algo steps act on a 32-bit word holding the seed
--               (big-endian); the key is its low key_len bytes:
--               xor K, add K, sub K, mul K (mod 2^32), rol N, ror N
--               (0..31), not, swap (reverse the 4 bytes)
--   dtc_mask    DTC status availability mask (default 0xFF)
--   dtcs        list of { code = 0x123456 or "P0301" (with ftb = 0x00),
--                 status = 0x09, stored = true (in the fault memory;
--                 default: status has bit 0, 2 or 3),
--                 snapshot = { [DID] = bytes } (record 01),
--                 extended = { [record] = bytes },
--                 returns_ms = N (an active fault: set again N ms after a
--                 clear) }
--   live        the engine (on the engine ECU): running = false, rpm
--               (idle rpm when running), speed (km/h), coolant, ambient
--               (degrees C), load, throttle, fuel (%), odometer (km)
--   pids        mode 01 PIDs answered (default { 0x05, 0x0C, 0x0D, 0x42 };
--               known: 01 04 05 0C 0D 0F 11 1F 2F 42 46); OBD ECUs answer
--               them also as DIDs 0xF400 + PID
--   live_dids   [DID] = { "quantity", bytes = 1..4, factor = 1, offset = 0 }:
--               raw = value * factor + offset, big-endian. Quantities: rpm
--               speed coolant ambient intake load throttle voltage odometer
--               runtime fuel
--   flash       flash memory: addr, size, sector (erase unit, default
--               0x1000), max_block (maxNumberOfBlockLength, default
--               0x0FFF), checksum = "crc32" or "sum16", erase_routine
--               (default 0xFF00), check_routine (default 0x0202), erase_ms
--               (whole memory, default 2000), check_ms (default 500),
--               access = { session = 2, security = ... } (programming),
--               readout = false | true | { session =, security = } (0x23,
--               0x35), image = { fill = 0xFF, noise = SEED, at = OFFSET,
--               data = bytes, sign = true (checksum in the last bytes) },
--               image_dids = { [DID] = OFFSET } (identification the
--               application holds in its memory: while it runs, the DID
--               answers the bytes there, as long as its value in dids),
--               boot = "text" (DID F180 of the boot loader, which runs
--               after a reset or power-up while an erase has not been
--               followed by a passing check routine; see ecu_flash.c)
return {
  id = "demo",
  name = "Demo hatchback (invented, VW-style)",
  vin = "OBDDEMO0SIM000001",
  voltage = 12.6,
  protocol = 6,
  ecus = {
    {
      id = "01", name = "Engine electronics",
      tx = 0x7E0, rx = 0x7E8, obd = true,
      services = { 0x10, 0x11, 0x14, 0x19, 0x22, 0x23, 0x27, 0x28, 0x2E, 0x31,
                   0x34, 0x35, 0x36, 0x37, 0x3E, 0x85 },
      live = { running = false, rpm = 0, speed = 0, coolant = 24, odometer = 48213 },
      dids = {
        [0xF187] = "06K906070AB",     -- spare part number
        [0xF189] = "2130",            -- software version
        [0xF18C] = "VWZ7Z0K0012345",  -- serial number
        [0xF191] = "06K907425B",      -- hardware number
        [0xF197] = "R4 1.4l TSI",     -- system name
      },
      security = {
        { level = 0x01, seed_len = 4,
          algo = { {"xor", 0x5A5A5A5A}, {"rol", 3}, {"add", 0x1234} } },
        { level = 0x11, seed_len = 4, session = 2,
          algo = { {"swap"}, {"xor", 0xC0FFEE00}, {"ror", 7} } },
      },
      dtcs = {
        { code = "P0301", status = 0x2F,
          snapshot = { [0xF40C] = hex("0C 80"), [0xF40D] = hex("00") },
          extended = { [0x01] = hex("03"), [0x02] = hex("1C") } },
        { code = "P0420", status = 0x00 },
      },
      flash = {
        addr = 0x00000000, size = 0x10000, sector = 0x1000, max_block = 0x0402,
        checksum = "crc32", erase_ms = 1000, check_ms = 200,
        access = { session = 2, security = 0x11, engine_off = true },
        readout = { session = { 2, 3 }, security = { 0x01, 0x11 } },
        -- The application names its part number (0x100) and software
        -- version (0x10C, also DID F189) in its memory.
        image = { noise = 1, at = 0x100, data = "06K906070AB 2130 DEMO-ENGINE" },
        image_dids = { [0xF189] = 0x10C },
        boot = "DEMO-BL 0102",
      },
    },
    {
      id = "09", name = "Central electrics",
      tx = 0x70E, rx = 0x778,
      sessions = { 1 },
      services = { 0x10, 0x14, 0x19, 0x22, 0x2E, 0x3E },
      dids = {
        [0xF187] = "5K0937087AB",
        [0xF189] = "0450",
        [0xF18C] = "0000654321",
        [0xF191] = "5K0937087",
        [0xF197] = "BCM PQ35 H06",
        -- Long coding, 24 bytes (invented content).
        [0x0600] = hex("00 0C 1A 3F 21 04 00 80 50 18 00 22 09 41 11 30"
                    .. "0C 00 00 00 01 00 00 00"),
        -- Comfort coding, 2 bytes (fits one single frame to write).
        -- Byte 0 bit 0: horn chirp on lock; bit 2: fold mirrors on lock;
        -- byte 1: welcome light duration in seconds (30).
        [0x0601] = hex("00 1E"),
      },
      writable = { 0x0600, 0x0601 },
      dtcs = {
        { code = 0x9A1C13, status = 0x08 },   -- invented: a lamp circuit open
      },
    },
    {
      id = "17", name = "Instrument cluster",
      tx = 0x714, rx = 0x77E,
      sessions = { 1 },
      services = { 0x10, 0x14, 0x19, 0x22, 0x2E, 0x3E },
      dids = {
        [0xF187] = "5K0920870C",
        [0xF189] = "0214",
        [0xF18C] = "0000112233",
        [0xF191] = "5K0920870",
        [0xF197] = "KOMBI PQ35",
        -- Coding, 16 bytes. Byte 4 bit 0: digital speed display, off here.
        [0x0600] = hex("01 02 00 04 10 00 00 0A 00 00 00 00 00 00 00 00"),
      },
      writable = { 0x0600 },
      live_dids = {
        [0x2203] = { "odometer", bytes = 3 },   -- km (DID chosen here)
      },
    },
  },
}
