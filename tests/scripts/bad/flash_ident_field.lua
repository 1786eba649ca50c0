-- expect: 3: flash: ident.module must be "part", "hw" or "sw"
local b = brand { id = "x", name = "X", vin_wmi = { "ABC" } }
b:flash { id = "e", module = "01", region = { address = 0, size = 0x100 },
  run = function(job) end,
  ident = { { at = 0, length = 4, module = "part" }, { at = 4, length = 4, module = "vin" } } }
