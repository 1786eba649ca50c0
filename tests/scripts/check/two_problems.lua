-- expect: 3: brand 'two' can match no vehicle
-- expect: 6: feature 'y' overlaps feature 'x' (line 5)
local b = brand { id = "two", name = "Two" }
local m = b:module { id = "09", name = "Body", tx = 0x70E, rx = 0x778 }
m:feature { id = "x", name = "X", did = 0x0600, byte = 0, bit = 3 }
m:feature { id = "y", name = "Y", did = 0x0600, byte = 0, bit = 3 }
