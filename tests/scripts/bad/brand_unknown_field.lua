-- expect: 2: brand: unknown field 'vin_wimi'
brand { id = "x", name = "X", vin_wimi = { "X" } }
