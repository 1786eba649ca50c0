-- expect: must be called with
-- A declaration handle cannot be faked with a table.
local fake = setmetatable({ index = 0 }, { __index = { feature = function() end } })
local b = brand { id = "forger", name = "Forger", vin_wmi = { "FRG" } }
b.module({ index = 0 }, { id = "01", name = "x", tx = 0x7E0, rx = 0x7E8 })
