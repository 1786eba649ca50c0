-- expect: instruction limit|time limit
-- A message handler that loops runs under the same budget.
while true do xpcall(function() while true do end end, function() while true do end end) end
