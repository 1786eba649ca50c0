-- expect: 3: brand: duplicate id 'x' (first declared at
brand { id = "x", name = "X", vin_wmi = { "XXX" } }
brand { id = "x", name = "Y", vin_wmi = { "YYY" } }
