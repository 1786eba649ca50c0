-- stn2120.lua: an OBDLink MX+ class adapter (STN2120 chip, Bluetooth),
-- after the OBDLink Family Reference and Programming Manual (FRPM, OBD
-- Solutions). Fields as in elm327.lua.
--   - ATI answers "ELM327 v1.4b"; STI and STDI name the chip and the
--     device; the firmware revision below is invented.
--   - STPX sends messages of up to 4 KB on STN2100/STN2120 (FRPM p.36);
--     ISO-TP's 12-bit length caps a message at 4095 bytes anyway.
--   - OBDLink devices emit NUL bytes around a reset (the project's adapter
--     notes); two of them here.
--   - The Bluetooth link has its own rate; the simulator needs a number
--     and uses the USB devices' 115200 (a choice, not a fact).
-- Invented: AT@1's text, the transmit buffer and the reset time.
return {
  id = "stn2120",
  name = "OBDLink MX+ (STN2120)",
  ati = "ELM327 v1.4b",
  at1 = "OBDLink MX+",
  sti = "STN2120 v5.6.19",
  stdi = "OBDLink MX+ r1.3",
  echo = true,
  linefeeds = true,
  spaces = true,
  headers = false,
  memory = true,
  protocol = 0,
  reset_junk = "\0\0",
  count_digit = true,
  buffer = 4096,
  stpx_max = 4096,
  baud = 115200,
  baud_max = 2000000,
  reset_ms = 100,
}
