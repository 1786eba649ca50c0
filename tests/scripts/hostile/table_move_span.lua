-- expect: too long
-- The whole integer range: the span must not overflow while it is measured.
table.move({}, math.mininteger, math.maxinteger, 1)
