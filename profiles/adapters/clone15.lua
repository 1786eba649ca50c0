-- clone15.lua: a typical "ELM327 v1.5" clone (the cheap Bluetooth and USB
-- adapters sold under that name; not made by Elm Electronics). Fields as
-- in elm327.lua. What clones are known to do comes from the project's
-- adapter notes and from open-source tools that work around them
-- (freediag treats version strings 1.4a/1.5 as clones; ddt4all and
-- PyPSADiag probe for ATFC SH and ATR0):
--   - ATI says "ELM327 v1.5", a version Elm never released;
--   - ATFC SH/SD/SM, ATR0/ATR1 and ATBRD are missing ("?"), and so is the
--     response count digit after a request (v1.3 in the DS);
--   - 0xFC junk before the banner after ATZ;
--   - ATZ took about 0.84 s in a published ELMduino debug transcript of
--     such an adapter (forum.arduino.cc, "ELMduino - Library for Car
--     Hacking").
-- Invented: the AT@1 text (clones answer it with whatever their firmware
-- author chose) and the transmit buffer size (smaller than the genuine
-- chip's 512 bytes, so long replies at 38400 baud end in BUFFER FULL
-- sooner).
return {
  id = "clone15",
  name = "ELM327 v1.5 clone",
  ati = "ELM327 v1.5",
  at1 = "OBDII to RS232 Interpreter V1.5",
  echo = true,
  linefeeds = true,
  spaces = true,
  headers = false,
  memory = true,
  protocol = 0,
  reset_junk = hex("FC"),
  refuse = { "FCSH", "FCSD", "FCSM", "R", "BRD" },
  count_digit = false,
  buffer = 256,
  baud = 38400,
  baud_max = 38400,
  reset_ms = 840,
}
