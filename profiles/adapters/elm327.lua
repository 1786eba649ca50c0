-- elm327.lua: a genuine ELM327 v2.2 (Elm Electronics), as the simulator's
-- default adapter. The defaults below are those of the ELM327 data sheet
-- (ELM327DS, Elm Electronics, "AT Command Summary" and the description of
-- each command); a profile for another chip or a clone copies this file,
-- changes the values and adds its quirks.
--
-- Fields:
--   id, name      profile name (as in "sim:,adapter=elm327") and description
--   ati           answer to ATI, and the banner after ATZ / ATWS
--   at1           answer to AT@1 (device description)
--   echo          ATE default         (DS: E1, echo on)
--   linefeeds     ATL default         (DS: set by the level of pin 7; high,
--                                      i.e. LF on, in the DS's example circuit)
--   spaces        ATS default         (DS: S1, spaces on)
--   headers       ATH default         (DS: H0, headers off)
--   memory        ATM default         (DS: set by the level of pin 5)
--   protocol      ATSP default, 0..C  (DS: 0, automatic, from the factory)
--   reset_junk    bytes sent after a reset, before the banner (clones send
--                 0xFC; a genuine chip sends nothing)
--   sti, stdi     answers to STI / STDI; a profile without sti answers "?"
--                 to every ST command (OBDLink profiles have them)
--   refuse        AT commands (as written after "AT", without arguments:
--                 "FCSH", "R", "BRD") the chip answers with "?"
--   count_digit   accepts the response count digit after a data request
--                 ("0100 1"; DS: since v1.3)
--   buffer        RS232 transmit buffer in bytes: a reply that arrives
--                 faster than the UART empties it ends in BUFFER FULL
--                 (DS p.87: 512 bytes)
--   stpx_max      longest message STPX sends and STCSEGR reassembles
--                 (OBDLink only; 0 = none)
--   baud          UART rate after power-up (DS: 38400 or 9600 by pin 6;
--                 the sim port option baud=N overrides it)
--   baud_max      highest rate ATBRD / STBR accept (DS: up to 500 kbps)
--   reset_ms      time from ATZ to the banner (invented: the DS gives none;
--                 a genuine chip takes a noticeable fraction of a second)
-- CAN auto formatting (ATCAF1), automatic flow control (ATCFC1), header
-- 7DF / 18 DB 33 F1 (priority ATCP 18), ATST 32 (200 ms), ATAT1, ATBRT 0F
-- (75 ms), flow control mode ATFC SM 0 and, without ATCRA, receiving only
-- the OBD response identifiers (7E8-7EF, 18 DA F1 xx) are the DS defaults
-- and fixed in the simulator.
return {
  id = "elm327",
  name = "ELM327 v2.2 (genuine)",
  ati = "ELM327 v2.2",
  at1 = "OBDII to RS232 Interpreter",
  echo = true,
  linefeeds = true,
  spaces = true,
  headers = false,
  memory = true,
  protocol = 0,
  reset_junk = "",
  count_digit = true,
  buffer = 512,
  baud = 38400,
  baud_max = 500000,
  reset_ms = 500,
}
