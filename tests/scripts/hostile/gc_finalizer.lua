-- expect: __gc metamethods are not allowed
-- A finalizer would run outside any budgeted call.
setmetatable({}, { __gc = function() while true do end end })
