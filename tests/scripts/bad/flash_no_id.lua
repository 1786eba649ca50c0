-- expect: 3: flash: field 'id' must be a string
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:flash { name = "Engine" }
