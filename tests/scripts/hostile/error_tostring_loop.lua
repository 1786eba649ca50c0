-- expect: error object is a table
-- No metamethod of an error object runs while reporting it.
error(setmetatable({}, { __tostring = function() while true do end end }))
