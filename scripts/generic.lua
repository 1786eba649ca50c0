-- generic.lua: the fallback brand script, used for any vehicle that no
-- other brand script matches (any OBD-II car, any UDS module that answers
-- on the standard engine addresses).
--
-- It declares no coding features on purpose: coding positions differ from
-- brand to brand, model to model and software to software, and writing a
-- guessed position can disable a module. What it gives is the standard
-- part of every car: the emission-related engine and transmission
-- controllers at their ISO 15765-4 addresses (7E0/7E8, 7E1/7E9), which
-- answer OBD-II modes 01/03/09 and, on most cars built since about 2008,
-- the identification DIDs of ISO 14229-1 annex C (F187 part number, F189
-- software version, F18C serial number, F191 hardware number, F197 system
-- name). Nothing here is specific to a car or verified on one: the
-- addresses are those ISO 15765-4 fixes for 11-bit OBD-II on CAN.
--
-- A user's copy in $XDG_CONFIG_HOME/obdcon/scripts/generic.lua replaces
-- this file; only one brand may declare fallback = true.

local generic = brand {
  id = "generic",
  name = "Generic OBD-II / UDS",
  fallback = true,
}

generic:module { id = "engine", name = "Engine (OBD-II)", tx = 0x7E0, rx = 0x7E8 }
generic:module { id = "transmission", name = "Transmission (OBD-II)", tx = 0x7E1, rx = 0x7E9 }
