-- expect: 2: brand 'lost' can match no vehicle: give vin_wmi, match or fallback = true
local b = brand { id = "lost", name = "Lost" }
