-- expect: 2: field 'match' must be a function
brand { id = "x", name = "X", vin_wmi = { "ABC" }, match = true }
