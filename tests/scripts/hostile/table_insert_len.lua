-- expect: too long
-- __len would make table.insert shift 2^50 elements in C.
table.insert(setmetatable({}, { __len = function() return 1 << 50 end }), 1, 0)
