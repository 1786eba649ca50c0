-- expect: attempt to index
local b = brand { id = "meta", name = "Meta", vin_wmi = { "MTA" } }
getmetatable(b).__index.module = nil
