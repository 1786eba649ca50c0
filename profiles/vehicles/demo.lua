-- demo.lua: an INVENTED vehicle for the obdcon simulator (the default of
-- `obdcon --demo`). Nothing here comes from a real car: the VIN, part
-- numbers, software versions, serial numbers and coding layouts are made
-- up, in the style of the VW group's public UDS conventions (identification
-- DIDs 0xF187.. from ISO 14229-1 annex C, coding in DID 0x0600), and none
-- of it has been verified on a vehicle. Do not use it as a reference for
-- coding a real module.
--
-- Fields:
--   id, name    profile name (as in "sim:demo") and description
--   vin         17 characters; also the value of DID 0xF190 of every ECU
--               that does not list its own
--   voltage     battery voltage at the OBD socket (ATRV, mode 01 PID 42)
--   protocol    what an automatic protocol search finds (6: CAN 11/500)
--   ecus        the control modules:
--     id, name  module address as brand scripts use it, and name
--     tx, rx    CAN identifiers seen from the tester: requests go to tx,
--               answers come from rx (29-bit if above 0x7FF, or ext = true)
--     obd       answers OBD-II modes 01/09, also to functional requests (7DF)
--     pad       byte its frames are padded with (default 0xAA; false: none)
--     live      OBD-II values: rpm, speed (km/h), coolant (degrees C)
--     dids      [DID] = value: strings hold ASCII text, hex("..") bytes
--     writable  DIDs that WriteDataByIdentifier (0x2E) may change
--
-- The VIN starts with "OBD": real VINs never contain the letters I, O or Q
-- (ISO 3779), so the demo brand script, which matches this prefix, can
-- never match a real car and write invented coding positions to it.
--
-- The car stands with the ignition on and the engine off (battery at
-- rest, 12.6 V), as for coding and flashing.
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
      live = { rpm = 0, speed = 0, coolant = 24 },
      dids = {
        [0xF187] = "06K906070AB",     -- spare part number
        [0xF189] = "2130",            -- software version
        [0xF18C] = "VWZ7Z0K0012345",  -- serial number
        [0xF191] = "06K907425B",      -- hardware number
        [0xF197] = "R4 1.4l TSI",     -- system name
      },
    },
    {
      id = "09", name = "Central electrics",
      tx = 0x70E, rx = 0x778,
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
    },
    {
      id = "17", name = "Instrument cluster",
      tx = 0x714, rx = 0x77E,
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
    },
  },
}
