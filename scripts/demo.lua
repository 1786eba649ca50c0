-- demo.lua: brand script for obdcon's simulated demo vehicle
-- (profiles/vehicles/demo.lua, `obdcon --demo`). It doubles as a short,
-- complete example of a brand script.
--
-- Where the values come from: every CAN identifier, DID and bit position
-- below is taken from the simulator's demo vehicle, which is INVENTED.
-- Nothing here describes a real car and nothing has been verified on one.
--
-- Safety: the brand matches VINs starting with "OBDDEMO". Real VINs never
-- contain the letters I, O or Q (ISO 3779), so this script can never match
-- a real vehicle and never write these invented positions to a real module.

local demo = brand {
  id = "demo",
  name = "obdcon demo vehicle (simulated)",
  vin_wmi = { "OBDDEMO" },
}

-- Modules: id as shown to users, CAN request (tx) and reply (rx) IDs.
local engine = demo:module { id = "01", name = "Engine electronics", tx = 0x7E0, rx = 0x7E8 }
local body = demo:module { id = "09", name = "Central electrics", tx = 0x70E, rx = 0x778 }
local cluster = demo:module { id = "17", name = "Instrument cluster", tx = 0x714, rx = 0x77E }

-- Returns a supported() predicate that needs a minimum software version.
local function needs_software(min)
  return function(ecu)
    return ecu.sw >= min, "needs software " .. min .. " or later (module has " .. ecu.sw .. ")"
  end
end

-- Comfort coding of the central electrics: DID 0x0601, byte 0.
body:feature {
  id = "mirror_fold_on_lock", name = "Fold mirrors on lock",
  did = 0x0601, byte = 0, bit = 2,
  supported = needs_software("0450"),
}

body:feature {
  id = "horn_on_lock", name = "Horn chirp on lock",
  did = 0x0601, byte = 0, bit = 0,
}

-- Cluster coding: DID 0x0600, byte 4 bit 0. The demo cluster runs software
-- 0214, so this feature shows as unsupported with the reason.
cluster:feature {
  id = "digital_speed", name = "Digital speed display",
  did = 0x0600, byte = 4, bit = 0,
  supported = needs_software("0300"),
}

log("demo brand script loaded: " .. (engine and "3 modules" or "?"))
