-- expect: instruction limit|time limit
-- pcall cannot swallow the limit: once spent, every instruction fails.
while true do pcall(function() while true do end end) end
