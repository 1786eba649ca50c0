-- stn1110.lua: an OBDLink SX class adapter (STN1110 chip, USB), after the
-- OBDLink Family Reference and Programming Manual (FRPM, OBD Solutions).
-- Fields as in elm327.lua.
--   - ATI answers "ELM327 v1.4b" (the ELM327 version the STN emulates);
--     STI and STDI name the chip and the device (FRPM, device ID
--     commands); the firmware and hardware revision numbers below are
--     invented.
--   - STPX sends messages of up to 2 KB on STN1110/STN1170 (FRPM p.36).
--   - UART: bare STN chips start at 9600 baud, USB OBDLink devices at
--     115200 (FRPM, UART commands); this profile models the USB device,
--     so 115200. STBR accepts rates up to 2 Mbit/s here (invented: the
--     chip goes higher, the USB bridge is the limit).
-- Invented: AT@1's text, the transmit buffer (as large as the message
-- buffer) and the reset time.
return {
  id = "stn1110",
  name = "OBDLink SX (STN1110)",
  ati = "ELM327 v1.4b",
  at1 = "OBDLink SX",
  sti = "STN1110 v4.3.2",
  stdi = "OBDLink SX r4.2",
  echo = true,
  linefeeds = true,
  spaces = true,
  headers = false,
  memory = true,
  protocol = 0,
  reset_junk = "",
  count_digit = true,
  buffer = 2048,
  stpx_max = 2048,
  baud = 115200,
  baud_max = 2000000,
  reset_ms = 100,
}
