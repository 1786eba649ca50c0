-- expect: 2: vin_wmi[2] must be a VIN prefix string
brand { id = "x", name = "X", vin_wmi = { "ABC", 42 } }
